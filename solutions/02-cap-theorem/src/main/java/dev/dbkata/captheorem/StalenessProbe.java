package dev.dbkata.captheorem;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Tells whether a replica has a given write yet, from WAL positions: the write's commit position
 * on the primary against the replica's replay position. It never waits for the replica.
 */
public final class StalenessProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final String primaryUrl;
    private final String replicaUrl;

    /** JDBC URLs of the primary and of the replica to watch; connections are opened per call. */
    public StalenessProbe(String primaryUrl, String replicaUrl) {
        this.primaryUrl = primaryUrl;
        this.replicaUrl = replicaUrl;
    }

    /**
     * Runs {@code work} on the primary in one transaction, commits it, and returns where its commit
     * record ends in the WAL: the position a replica must have replayed to see the write.
     */
    public WalPosition commitOnPrimary(SqlWork<?> work) throws SQLException {
        try (Connection primary = Jdbc.open(primaryUrl, TIMEOUT)) {
            primary.setAutoCommit(false);
            try {
                work.run(primary);
                primary.commit();
            } catch (SQLException | RuntimeException e) {
                primary.rollback();
                throw e;
            }
            primary.setAutoCommit(true);
            // After the commit returned, the commit record is written: the write position covers it.
            return position(primary, "SELECT pg_current_wal_lsn()::text");
        }
    }

    /**
     * Asks the replica how far it has replayed and compares that with {@code commit}. Returns at
     * once, stale or not.
     */
    public Staleness check(WalPosition commit) throws SQLException {
        try (Connection replica = Jdbc.open(replicaUrl, TIMEOUT)) {
            WalPosition replayed = position(replica, "SELECT pg_last_wal_replay_lsn()::text");
            return new Staleness(commit, replayed, Math.max(0, commit.bytesAfter(replayed)));
        }
    }

    private static WalPosition position(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            String text = row.getString(1);
            if (text == null) {
                throw new SQLException("The server has no such WAL position (" + sql + " returned NULL): is it the"
                        + " node you meant?");
            }
            return WalPosition.parse(text);
        }
    }
}
