package dev.dbkata.captheorem;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Reads from the replica in the caller's zone, and lets each call choose what it gives up when
 * that replica cannot be shown to be up to date: the answer ({@link Consistency#CONSISTENT}) or
 * its freshness ({@link Consistency#AVAILABLE}). It never reads on the primary: the primary is
 * only asked where its WAL ends.
 */
public final class ZoneReader {

    private static final Duration POLL = Duration.ofMillis(10);
    /** A replica in the reader's own zone answers quickly; this only bounds a hung one. */
    private static final Duration REPLICA_TIMEOUT = Duration.ofSeconds(5);

    private final String primaryUrl;
    private final String replicaUrl;
    private final ReaderSettings settings;

    public ZoneReader(String primaryUrl, String replicaUrl, ReaderSettings settings) {
        this.primaryUrl = primaryUrl;
        this.replicaUrl = replicaUrl;
        this.settings = settings;
    }

    /**
     * Runs {@code work} on the zone's replica in one read-only transaction.
     *
     * <p>{@code CONSISTENT}: asks the primary for its current WAL position at the start of the
     * call, waits up to {@code consistentWait} for the replica to replay that far, and only then
     * runs the work ({@code bytesBehindAtMost} = 0). If the primary cannot be asked within
     * {@code primaryTimeout}, or the replica does not get there in time, it throws
     * {@link UnavailableException} and runs nothing.
     *
     * <p>{@code AVAILABLE}: runs the work on the replica at once, then asks the primary (within
     * {@code primaryTimeout}) how far its WAL goes, and reports the bytes between that and the
     * replica's replay position at read time (empty when the primary could not be asked).
     */
    public <T> Answer<T> read(Consistency consistency, SqlWork<T> work) throws SQLException {
        return switch (consistency) {
            case CONSISTENT -> consistent(work);
            case AVAILABLE -> available(work);
        };
    }

    private <T> Answer<T> consistent(SqlWork<T> work) throws SQLException {
        WalPosition target;
        try {
            target = primaryPosition();
        } catch (SQLException e) {
            throw new UnavailableException("Refusing a consistent read: the primary could not be asked where its WAL"
                    + " ends (" + e.getMessage() + "), so nothing proves the replica is up to date", e);
        }
        try (Connection replica = Jdbc.open(replicaUrl, REPLICA_TIMEOUT)) {
            long deadline = System.nanoTime() + settings.consistentWait().toNanos();
            WalPosition replayed = replayPosition(replica);
            while (!replayed.isAtLeast(target)) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new UnavailableException("Refusing a consistent read: after " + settings.consistentWait().toMillis()
                            + " ms the replica has replayed up to " + replayed + ", " + target.bytesAfter(replayed)
                            + " bytes short of the primary's position " + target + " when the read began");
                }
                pause();
                replayed = replayPosition(replica);
            }
            return new Answer<>(inReadOnlyTransaction(replica, work), OptionalLong.of(0));
        }
    }

    private <T> Answer<T> available(SqlWork<T> work) throws SQLException {
        WalPosition replayed;
        T value;
        try (Connection replica = Jdbc.open(replicaUrl, REPLICA_TIMEOUT)) {
            replayed = replayPosition(replica);
            value = inReadOnlyTransaction(replica, work);
        }
        // Asked after the read: whatever was committed before the read is below this position.
        OptionalLong behind;
        try {
            behind = OptionalLong.of(Math.max(0, primaryPosition().bytesAfter(replayed)));
        } catch (SQLException cutOff) {
            behind = OptionalLong.empty();
        }
        return new Answer<>(value, behind);
    }

    private WalPosition primaryPosition() throws SQLException {
        try (Connection primary = Jdbc.open(primaryUrl, settings.primaryTimeout())) {
            return position(primary, "SELECT pg_current_wal_lsn()::text");
        }
    }

    private static WalPosition replayPosition(Connection replica) throws SQLException {
        return position(replica, "SELECT pg_last_wal_replay_lsn()::text");
    }

    private static <T> T inReadOnlyTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        try {
            T value = work.run(connection);
            connection.commit();
            return value;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    private static WalPosition position(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            String text = row.getString(1);
            if (text == null) {
                throw new SQLException("No WAL position from " + sql + ": is the node a replica?");
            }
            return WalPosition.parse(text);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("Interrupted while waiting for the replica to catch up", e);
        }
    }
}
