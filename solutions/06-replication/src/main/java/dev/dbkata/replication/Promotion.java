package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Chooses the standby that lost the least and turns it into a primary. */
final class Promotion {

    private static final Duration PROMOTION_LIMIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;

    private final NodeConnector connector;

    Promotion(NodeConnector connector) {
        this.connector = connector;
    }

    /**
     * The standby to promote: one that has every commit the primary acknowledged. With synchronous
     * standbys, each acknowledged commit is on {@code k} of the {@code N} named ones, so any
     * {@code N - k + 1} of them include one that has it: the most advanced of those that answer is
     * safe once that many answered. Asynchronous replicas are never candidates: they may lack
     * acknowledged commits, however far they have replayed. With no synchronous standby, the most
     * advanced reachable replica (what the primary had not shipped is lost: the price of
     * asynchronous replication). Ties keep list order.
     *
     * @throws IllegalStateException when too few candidates answer
     */
    DatabaseNode choose(List<DatabaseNode> replicas, SynchronousStandbys synchronous) throws SQLException {
        List<DatabaseNode> candidates = synchronous.isAsynchronous() ? replicas
                : replicas.stream().filter(r -> synchronous.names().contains(r.name())).toList();
        int needed = synchronous.isAsynchronous() ? 1 : synchronous.names().size() - synchronous.count() + 1;
        Map<DatabaseNode, WalPosition> answered = replayPositions(candidates);
        if (answered.size() < needed) {
            List<String> silent = candidates.stream().filter(c -> !answered.containsKey(c)).map(DatabaseNode::name).toList();
            if (synchronous.isAsynchronous()) {
                throw new IllegalStateException("No replica answers: there is nothing to promote (" + silent + ")");
            }
            List<String> asynchronous = replicas.stream().map(DatabaseNode::name)
                    .filter(n -> !synchronous.names().contains(n)).toList();
            throw new IllegalStateException("Failover refused: every acknowledged commit is on " + synchronous.count()
                    + " of the synchronous standbys " + synchronous.names() + ", so " + needed + " of them must answer"
                    + " to be sure the one promoted has them all, but only " + answered.size() + " did (no answer from "
                    + silent + ")" + (asynchronous.isEmpty() ? "" : "; " + asynchronous + " are asynchronous and may"
                    + " lack acknowledged commits, so they are never promoted") + ". Bring a synchronous standby back,"
                    + " or promote by hand if losing acknowledged writes is acceptable");
        }
        DatabaseNode best = null;
        for (Map.Entry<DatabaseNode, WalPosition> e : answered.entrySet()) {
            if (best == null || e.getValue().compareTo(answered.get(best)) > 0) {
                best = e.getKey();
            }
        }
        return best;
    }

    /**
     * How far each standby that answers has replayed, in list order. Unreachable ones, and any
     * that is no longer in recovery, are left out.
     */
    private Map<DatabaseNode, WalPosition> replayPositions(List<DatabaseNode> replicas) throws SQLException {
        Map<DatabaseNode, WalPosition> positions = new LinkedHashMap<>();
        for (DatabaseNode replica : replicas) {
            try (Connection c = connector.open(replica)) {
                if (isInRecovery(c)) {
                    positions.put(replica, ReplicationLag.replayed(c));
                }
            } catch (SQLException e) {
                if (!Failures.isNodeFailure(e)) {
                    throw e;
                }
            }
        }
        return positions;
    }

    /**
     * Asks {@code replica} to promote itself and returns once it has left recovery. Does not use
     * {@code pg_promote(true, ...)}: its wait would run into the socket timeout on a slow machine.
     */
    void promote(DatabaseNode replica) throws SQLException {
        try (Connection c = connector.open(replica); Statement s = c.createStatement()) {
            s.execute("SELECT pg_promote(false)");
            long deadline = System.nanoTime() + PROMOTION_LIMIT.toNanos();
            while (isInRecovery(c)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new SQLException(replica.name() + " was asked to promote but is still in recovery after "
                            + PROMOTION_LIMIT.toSeconds() + " s");
                }
                Pause.millis(POLL_MILLIS);
            }
        }
    }

    static boolean isInRecovery(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
