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
        rollbackPreparedTransactions(node);
        try (Connection c = node.connectDirect(); Statement s = c.createStatement()) {
            // A reset that waits on a lock must fail, not hang the test run.
            s.execute("SET lock_timeout = '10s'");
            s.execute("SET statement_timeout = '60s'");
            for (String slot : strings(s, "SELECT slot_name FROM pg_replication_slots WHERE NOT active")) {
                s.execute("/* dbkata */ SELECT pg_drop_replication_slot('" + slot.replace("'", "''") + "')");
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
            s.execute("ALTER DATABASE postgres RESET ALL");
            s.execute("ALTER ROLE postgres RESET ALL");
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
            try (Connection fresh = node.connectDirect(); Statement check = fresh.createStatement()) {
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

    /** Rolls back prepared transactions, each from the database it belongs to (as PostgreSQL requires). */
    private static void rollbackPreparedTransactions(PostgresNode node) {
        try (Connection c = node.connectDirect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("/* dbkata */ SELECT gid, database FROM pg_prepared_xacts")) {
            while (rs.next()) {
                String url = "jdbc:postgresql://" + node.host() + ":" + node.port() + "/" + rs.getString(2)
                        + "?ApplicationName=" + dev.dbkata.testkit.backend.PostgresConfig.TESTKIT_APPLICATION;
                try (Connection inDatabase = java.sql.DriverManager.getConnection(url, PostgresNode.USER, "");
                     Statement rollback = inDatabase.createStatement()) {
                    rollback.execute("ROLLBACK PREPARED '" + rs.getString(1).replace("'", "''") + "'");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not roll back prepared transactions on " + node + ": " + e.getMessage(), e);
        }
    }

    /** On any server, a replica included: forgets statement and table statistics. */
    static void resetCounters(PostgresNode node) {
        try (Connection c = node.connectDirect(); Statement s = c.createStatement()) {
            s.execute("/* dbkata */ SELECT pg_stat_statements_reset()");
            s.execute("/* dbkata */ SELECT pg_stat_reset()");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not reset the statistics of " + node + ": " + e.getMessage(), e);
        }
    }

    /** Ends every other client session, so that no lock or open transaction outlives its test. */
    static void disconnectClients(PostgresNode node) {
        // A new pool: a test that leaked borrowed connections must not starve the next one.
        node.replacePool();
        try (Connection c = node.connectDirect(); Statement s = c.createStatement()) {
            // Waits (up to 5 s each) until every session is really gone, so no lock survives it.
            s.execute("/* dbkata */ SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
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
