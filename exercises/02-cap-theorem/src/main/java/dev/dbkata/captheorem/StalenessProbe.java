package dev.dbkata.captheorem;

import java.sql.SQLException;

/**
 * Tells whether a replica has a given write yet, from WAL positions: the write's commit position
 * on the primary against the replica's replay position. It never waits for the replica.
 */
public final class StalenessProbe {

    private final String primaryUrl;
    private final String replicaUrl;

    /**
     * JDBC URLs of the primary and of the replica to watch. Open connections per call (with
     * {@link Jdbc#open}, so no call can hang) and close them before returning.
     */
    public StalenessProbe(String primaryUrl, String replicaUrl) {
        this.primaryUrl = primaryUrl;
        this.replicaUrl = replicaUrl;
    }

    /**
     * Runs {@code work} on the primary in one transaction, commits it, and returns where its commit
     * record ends in the WAL: the position a replica must have replayed to see the write. If the
     * work throws, the transaction is rolled back and the exception passed on.
     */
    public WalPosition commitOnPrimary(SqlWork<?> work) throws SQLException {
        throw new UnsupportedOperationException("TODO(observe-staleness): run the work in a transaction on the primary,"
                + " commit, then ask the primary where its WAL ends (pg_current_wal_lsn())");
    }

    /**
     * Asks the replica how far it has replayed ({@code pg_last_wal_replay_lsn()}) and compares that
     * with {@code commit}: {@link Staleness#bytesBehind()} is {@code commit - replayed}, or 0 when
     * the replica is at or past it. Returns at once, stale or not: never sleeps, never waits for
     * the replica.
     */
    public Staleness check(WalPosition commit) throws SQLException {
        throw new UnsupportedOperationException("TODO(observe-staleness): compare the replica's replay position with the"
                + " commit position, as numbers, without waiting");
    }
}
