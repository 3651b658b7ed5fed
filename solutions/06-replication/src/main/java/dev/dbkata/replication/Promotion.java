package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Chooses the standby that lost the least and turns it into a primary. */
final class Promotion {

    private static final Duration PROMOTION_LIMIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;

    private final NodeConnector connector;

    Promotion(NodeConnector connector) {
        this.connector = connector;
    }

    /**
     * The reachable standby that has replayed the most WAL. Ties keep list order. Unreachable
     * replicas are skipped: a replica nobody can reach cannot take writes either.
     */
    Optional<DatabaseNode> mostAdvanced(List<DatabaseNode> replicas) throws SQLException {
        DatabaseNode best = null;
        WalPosition bestPosition = null;
        for (DatabaseNode replica : replicas) {
            try (Connection c = connector.open(replica)) {
                if (!isInRecovery(c)) {
                    continue;
                }
                WalPosition replayed = ReplicationLag.replayed(c);
                if (best == null || replayed.compareTo(bestPosition) > 0) {
                    best = replica;
                    bestPosition = replayed;
                }
            } catch (SQLException e) {
                if (!Failures.isNodeFailure(e)) {
                    throw e;
                }
            }
        }
        return Optional.ofNullable(best);
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
