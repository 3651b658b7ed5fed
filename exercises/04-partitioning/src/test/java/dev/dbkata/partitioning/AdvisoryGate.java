package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import dev.dbkata.testkit.PostgresNode;

/**
 * A gate the test closes in the middle of someone else's transaction: a row trigger that waits for
 * an advisory lock the test holds. While the code under test is stopped at the gate, the test
 * looks at the database from outside that transaction; then it opens the gate. Deterministic,
 * where hoping to catch the middle of a move with a busy reader would not be.
 */
final class AdvisoryGate implements AutoCloseable {

    private final PostgresNode node;
    private final int key;
    private final Connection holder;

    private AdvisoryGate(PostgresNode node, int key, Connection holder) {
        this.node = node;
        this.key = key;
        this.holder = holder;
    }

    /** A closed gate: the test's own session holds advisory lock {@code key} until {@link #open()}. */
    static AdvisoryGate closed(PostgresNode node, int key) throws SQLException {
        Connection holder = node.connect();
        try (Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + key + ")");
            s.execute("CREATE OR REPLACE FUNCTION gate_" + key + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN PERFORM pg_advisory_xact_lock_shared(" + key + ");"
                    + " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$");
        } catch (SQLException e) {
            holder.close();
            throw e;
        }
        return new AdvisoryGate(node, key, holder);
    }

    /** Rows inserted into (or deleted from: {@code operation}) {@code table} wait at this gate. */
    AdvisoryGate before(String operation, String table) throws SQLException {
        try (Statement s = holder.createStatement()) {
            s.execute("CREATE TRIGGER gate_" + key + "_" + table + " BEFORE " + operation + " ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION gate_" + key + "()");
        }
        return this;
    }

    /** Whether some transaction is stopped at this gate right now. */
    boolean hasSomeoneWaiting() {
        return node.queryValue("SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory'"
                + " AND classid = 0 AND objid = ? AND objsubid = 1 AND NOT granted", Boolean.class, (long) key);
    }

    void open() throws SQLException {
        try (Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_unlock(" + key + ")");
        }
    }

    @Override
    public void close() throws SQLException {
        holder.close();
    }
}
