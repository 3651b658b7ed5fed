package dev.dbkata.monitoring;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Waits;

/**
 * A table {@code ledger} without autovacuum, whose live and dead tuples the tests set, and wait to
 * see in {@code pg_stat_user_tables}: a session's table statistics reach the view only when it
 * flushes them, so each change runs in a session that asks for a flush and ends.
 */
final class Ledger {

    private static final Duration FLUSH = Duration.ofSeconds(15);

    private Ledger() {
    }

    static void create(PostgresNode node, int rows) throws SQLException {
        run(node, "CREATE TABLE ledger (id int, note text) WITH (autovacuum_enabled = off)");
        run(node, "INSERT INTO ledger SELECT g, 'entry' FROM generate_series(1, " + rows + ") g");
        Waits.until("pg_stat_user_tables to count " + rows + " live tuples in ledger", FLUSH,
                () -> tuples(node, "n_live_tup") == rows);
    }

    /** Deletes the rows matching {@code where}, and waits until the view counts {@code dead} dead tuples. */
    static void delete(PostgresNode node, String where, long dead) throws SQLException {
        run(node, "DELETE FROM ledger WHERE " + where);
        awaitDeadTuples(node, dead);
    }

    static void awaitDeadTuples(PostgresNode node, long dead) {
        Waits.until("pg_stat_user_tables to count " + dead + " dead tuples in ledger", FLUSH,
                () -> tuples(node, "n_dead_tup") == dead);
    }

    static long tuples(PostgresNode node, String column) {
        return node.queryValue("SELECT " + column + " FROM pg_stat_user_tables WHERE relname = 'ledger'", Long.class);
    }

    private static void run(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
            s.execute("SELECT pg_stat_force_next_flush()");
        }
    }
}
