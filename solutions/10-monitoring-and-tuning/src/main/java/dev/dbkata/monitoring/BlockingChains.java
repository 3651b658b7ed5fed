package dev.dbkata.monitoring;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.sql.DataSource;

/**
 * Who waits for whom on a server, from {@code pg_blocking_pids()} and {@code pg_stat_activity}, as
 * trees rooted at the sessions that block others without waiting themselves.
 *
 * <p>Thread-safe (no state).
 */
public final class BlockingChains {

    // One snapshot: every session of the database with the pids that block it. pg_blocking_pids()
    // reads the lock manager (pg_locks) and knows about lock queues: a session queued behind
    // another waiter lists that waiter too.
    private static final String SNAPSHOT = """
            /* blocking-chains */ SELECT pid, state, query,
                   coalesce(extract(epoch FROM now() - xact_start), 0) AS xact_seconds,
                   wait_event_type || ':' || wait_event AS wait, pg_blocking_pids(pid) AS blockers
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()""";

    private final DataSource dataSource;

    public BlockingChains(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The wait trees, one per root blocker (a session that others wait for and that waits for
     * nobody), longest-open transaction first. Sessions in no chain are left out.
     */
    public List<WaitTree> roots() throws SQLException {
        Map<Integer, Session> sessions = new LinkedHashMap<>();
        Map<Integer, Set<Integer>> waitersOf = new LinkedHashMap<>();
        Set<Integer> waiting = new LinkedHashSet<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(SNAPSHOT);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                int pid = rs.getInt("pid");
                double seconds = rs.getDouble("xact_seconds");
                sessions.put(pid, new Session(pid, rs.getString("state"), rs.getString("query"),
                        Duration.ofNanos(Math.round(seconds * 1e9)), rs.getString("wait")));
                Array blockers = rs.getArray("blockers");
                for (Integer blocker : (Integer[]) blockers.getArray()) {
                    waitersOf.computeIfAbsent(blocker, k -> new LinkedHashSet<>()).add(pid);
                    waiting.add(pid);
                }
            }
        }
        List<WaitTree> trees = new ArrayList<>();
        for (Integer blocker : waitersOf.keySet()) {
            if (!waiting.contains(blocker) && sessions.containsKey(blocker)) {
                trees.add(tree(blocker, sessions, waitersOf, new LinkedHashSet<>()));
            }
        }
        trees.sort((a, b) -> b.session().transactionAge().compareTo(a.session().transactionAge()));
        return trees;
    }

    /**
     * Ends the root blockers' sessions ({@code pg_terminate_backend}) and nobody else: their
     * waiters then get their locks and carry on.
     *
     * @return the pids it ended
     */
    public List<Integer> terminateRootBlockers() throws SQLException {
        List<Integer> ended = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("/* blocking-chains */ SELECT pg_terminate_backend(?)")) {
            for (WaitTree root : roots()) {
                s.setInt(1, root.session().pid());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        ended.add(root.session().pid());
                    }
                }
            }
        }
        return ended;
    }

    private static WaitTree tree(int pid, Map<Integer, Session> sessions, Map<Integer, Set<Integer>> waitersOf,
            Set<Integer> onPath) {
        onPath.add(pid);
        List<WaitTree> below = new ArrayList<>();
        for (int waiter : waitersOf.getOrDefault(pid, Set.of())) {
            // A waiter queued behind two sessions of the same chain is shown under the deeper one
            // only; a deadlock cycle (which the server breaks within deadlock_timeout) is cut.
            if (!onPath.contains(waiter) && sessions.containsKey(waiter) && !waitsAlsoBelow(waiter, pid, waitersOf)) {
                below.add(tree(waiter, sessions, waitersOf, onPath));
            }
        }
        onPath.remove(pid);
        return new WaitTree(sessions.get(pid), below);
    }

    /** Whether {@code waiter} also waits for another waiter of {@code blocker} (then it hangs below that one). */
    private static boolean waitsAlsoBelow(int waiter, int blocker, Map<Integer, Set<Integer>> waitersOf) {
        for (int sibling : waitersOf.getOrDefault(blocker, Set.of())) {
            if (sibling != waiter && waitersOf.getOrDefault(sibling, Set.of()).contains(waiter)) {
                return true;
            }
        }
        return false;
    }
}
