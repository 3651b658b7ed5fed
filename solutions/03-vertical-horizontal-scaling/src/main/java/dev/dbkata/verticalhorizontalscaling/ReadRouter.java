package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Spreads read-only work over servers in proportion to their capacity, and never runs more
 * queries at once on a server than it has slots.
 */
public final class ReadRouter {

    private final List<ScaleNode> nodes;
    private final Semaphore[] slots;
    private final int[] current;
    private final int totalWeight;

    /**
     * @param nodes every server that may serve reads (the primary included), each with its slots
     * @throws IllegalArgumentException if there is none
     */
    public ReadRouter(List<ScaleNode> nodes) {
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalArgumentException("A read router needs at least one server");
        }
        this.nodes = List.copyOf(nodes);
        this.slots = new Semaphore[nodes.size()];
        this.current = new int[nodes.size()];
        int total = 0;
        for (int i = 0; i < nodes.size(); i++) {
            slots[i] = new Semaphore(nodes.get(i).slots(), true);
            total += nodes.get(i).slots();
        }
        this.totalWeight = total;
    }

    /**
     * Runs {@code work} in a read-only transaction on the server whose turn it is (turns in
     * proportion to slots), waiting for one of its slots first. Safe for many threads.
     */
    public <T> T read(SqlWork<T> work) throws SQLException {
        int chosen = nextTurn();
        Semaphore slot = slots[chosen];
        try {
            slot.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for a slot on " + nodes.get(chosen).name(), e);
        }
        try (Connection c = nodes.get(chosen).dataSource().getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } finally {
            slot.release();
        }
    }

    /** Smooth weighted round robin (as nginx does it): shares follow the slots, spread evenly. */
    private synchronized int nextTurn() {
        int best = 0;
        for (int i = 0; i < current.length; i++) {
            current[i] += nodes.get(i).slots();
            if (current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= totalWeight;
        return best;
    }
}
