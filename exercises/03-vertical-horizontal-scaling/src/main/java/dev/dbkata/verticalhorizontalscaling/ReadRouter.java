package dev.dbkata.verticalhorizontalscaling;

import java.sql.SQLException;
import java.util.List;

/**
 * Spreads read-only work over servers in proportion to their capacity, and never runs more
 * queries at once on a server than it has slots.
 */
public final class ReadRouter {

    /**
     * @param nodes every server that may serve reads (the primary included), each with its slots
     * @throws IllegalArgumentException if there is none
     */
    public ReadRouter(List<ScaleNode> nodes) {
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalArgumentException("A read router needs at least one server");
        }
    }

    /**
     * Runs {@code work} in a read-only transaction on a server chosen so that, over many reads,
     * each server's share is its slots over all slots; waits for a free slot on it first, so that
     * no server runs more than its slots at once. Safe for many threads.
     *
     * @return what the work returned, after the transaction committed
     * @throws SQLException what the work or the server threw (the transaction is rolled back)
     */
    public <T> T read(SqlWork<T> work) throws SQLException {
        throw new UnsupportedOperationException("TODO(read-scale-out): choose a server in proportion to its slots,"
                + " hold one of its slots, and run the work in a read-only transaction there");
    }
}
