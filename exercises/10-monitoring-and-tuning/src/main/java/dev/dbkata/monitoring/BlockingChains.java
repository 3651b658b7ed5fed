package dev.dbkata.monitoring;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * Who waits for whom on a server, from {@code pg_locks} / {@code pg_blocking_pids()} and
 * {@code pg_stat_activity}, as trees rooted at the sessions that block others without waiting
 * themselves (task {@code blocking-chains}).
 *
 * <p>Thread-safe (no state).
 */
public final class BlockingChains {

    private final DataSource dataSource;

    public BlockingChains(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The wait trees, one per root blocker: a client session that others wait for and that waits
     * for nobody. Below each session come the sessions that wait for it directly; a session that
     * waits for two sessions of the same chain (a lock queue) hangs below the deeper one only.
     * Sessions in no chain are left out; so is the tool's own session. Longest-open transaction
     * first.
     */
    public List<WaitTree> roots() throws SQLException {
        throw new UnsupportedOperationException("TODO(blocking-chains): read every session and its blockers"
                + " (pg_blocking_pids) in one query and build the trees from the roots down");
    }

    /**
     * Ends the sessions of the root blockers ({@code pg_terminate_backend}) and nobody else: their
     * waiters then get their locks and carry on.
     *
     * @return the pids it ended
     */
    public List<Integer> terminateRootBlockers() throws SQLException {
        throw new UnsupportedOperationException("TODO(blocking-chains): terminate the root blockers only, never"
                + " a session that merely waits");
    }
}
