package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.PostgresNode;

/**
 * A gate the test closes inside someone else's transaction: a row trigger on {@code orders} that
 * waits for an advisory lock the test's own session holds. Code that writes such a row stops
 * there, in the middle of its work, until the test opens the gate; meanwhile the test looks and
 * writes from outside. Deterministic where racing a busy writer would not be.
 */
final class TriggerGate implements AutoCloseable {

    private final int key;
    private final List<PostgresNode> nodes = new ArrayList<>();
    private final List<Connection> holders = new ArrayList<>();
    private boolean open;

    private TriggerGate(int key) {
        this.key = key;
    }

    /**
     * A closed gate on {@code operation} ({@code INSERT} or {@code DELETE}) of {@code orders} rows
     * on each node, for rows matching {@code when} (a trigger {@code WHEN} condition, or "true").
     */
    static TriggerGate closed(int key, String operation, String when, List<PostgresNode> nodes) throws SQLException {
        TriggerGate gate = new TriggerGate(key);
        try {
            for (PostgresNode node : nodes) {
                Connection holder = node.connect();
                gate.holders.add(holder);
                gate.nodes.add(node);
                try (Statement s = holder.createStatement()) {
                    s.execute("SELECT pg_advisory_lock(" + key + ")");
                    s.execute("CREATE OR REPLACE FUNCTION test_gate_" + key + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN PERFORM pg_advisory_xact_lock_shared(" + key + ");"
                            + " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$");
                    s.execute("CREATE TRIGGER test_gate_" + key + " BEFORE " + operation + " ON orders FOR EACH ROW"
                            + " WHEN (" + when + ") EXECUTE FUNCTION test_gate_" + key + "()");
                }
            }
        } catch (SQLException e) {
            gate.close();
            throw e;
        }
        return gate;
    }

    /** Whether some transaction waits at this gate right now, on any of its nodes. */
    boolean hasSomeoneWaiting() {
        for (PostgresNode node : nodes) {
            if (node.queryValue("SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0"
                    + " AND objid = ? AND objsubid = 1 AND NOT granted", Boolean.class, (long) key)) {
                return true;
            }
        }
        return false;
    }

    /** Lets everyone through, now and later; the triggers go. */
    void open() {
        if (open) {
            return;
        }
        open = true;
        for (Connection holder : holders) {
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + key + ")");
            } catch (SQLException e) {
                throw new IllegalStateException("Could not open gate " + key + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        for (Connection holder : holders) {
            try {
                holder.close();
            } catch (SQLException e) {
                // Closing the session releases the lock anyway.
            }
        }
        holders.clear();
    }
}
