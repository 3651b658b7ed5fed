package dev.dbkata.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a PostgreSQL server back to the state it started in, between tests that ask for it:
 * faster than a new server, and thorough about what a test may leave behind.
 */
final class DataReset {

    private DataReset() {
    }

    /** On a writable server: drops everything tests created and forgets all statistics. */
    static void resetWritable(PostgresNode node) {
        disconnectClients(node);
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            for (String gid : strings(s, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
                s.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
            }
            for (String db : strings(s, "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')")) {
                s.execute("DROP DATABASE \"" + db.replace("\"", "\"\"") + "\" WITH (FORCE)");
            }
            s.execute("/* dbkata */ DO $$ DECLARE s text; r text; BEGIN"
                    + " FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                    + "   AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' LOOP"
                    + "   EXECUTE format('DROP SCHEMA %I CASCADE', s);"
                    + " END LOOP;"
                    + " CREATE SCHEMA public AUTHORIZATION pg_database_owner;"
                    + " GRANT USAGE ON SCHEMA public TO PUBLIC;"
                    + " FOR r IN SELECT rolname FROM pg_roles WHERE rolname <> 'postgres' AND rolname NOT LIKE 'pg\\_%' LOOP"
                    + "   EXECUTE format('DROP OWNED BY %I', r); EXECUTE format('DROP ROLE %I', r);"
                    + " END LOOP;"
                    + " END $$");
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            if (!strings(s, "SELECT name FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'").isEmpty()) {
                resetAlterSystem(node, s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reset " + node + " between tests: " + e.getMessage(), e);
        }
        resetCounters(node);
    }

    /**
     * Undoes {@code ALTER SYSTEM} and waits until new sessions see it: a reload is a signal that
     * the postmaster handles a moment later, and a session forked before that keeps old values.
     */
    private static void resetAlterSystem(PostgresNode node, Statement s) throws SQLException {
        s.execute("ALTER SYSTEM RESET ALL");
        Timestamp before = timestamp(s, "SELECT clock_timestamp()");
        s.execute("/* dbkata */ SELECT pg_reload_conf()");
        Waits.until("a new session on " + node + " to see the configuration reloaded", Duration.ofSeconds(10), () -> {
            try (Connection fresh = node.connect(); Statement check = fresh.createStatement()) {
                return !timestamp(check, "SELECT pg_conf_load_time()").before(before);
            }
        });
    }

    private static Timestamp timestamp(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery("/* dbkata */ " + sql)) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** On any server, a replica included: forgets statement and table statistics. */
    static void resetCounters(PostgresNode node) {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.execute("/* dbkata */ SELECT pg_stat_statements_reset()");
            s.execute("/* dbkata */ SELECT pg_stat_reset()");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reset the statistics of " + node + ": " + e.getMessage(), e);
        }
    }

    /** Ends every other client session, so that no lock or open transaction outlives its test. */
    static void disconnectClients(PostgresNode node) {
        node.evictPooledConnections();
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.execute("/* dbkata */ SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not disconnect the clients of " + node + ": " + e.getMessage(), e);
        }
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("/* dbkata */ " + sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
