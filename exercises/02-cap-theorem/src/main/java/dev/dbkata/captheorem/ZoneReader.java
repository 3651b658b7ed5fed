package dev.dbkata.captheorem;

import java.sql.SQLException;

/**
 * Reads from the replica in the caller's zone, and lets each call choose what it gives up when
 * that replica cannot be shown to be up to date: the answer ({@link Consistency#CONSISTENT}) or
 * its freshness ({@link Consistency#AVAILABLE}). It never runs the work on the primary: the
 * primary is only asked where its WAL ends. Safe for use by several threads.
 */
public final class ZoneReader {

    private final String primaryUrl;
    private final String replicaUrl;
    private final ReaderSettings settings;

    /** JDBC URLs of the primary and of this zone's replica; the reader opens its own connections. */
    public ZoneReader(String primaryUrl, String replicaUrl, ReaderSettings settings) {
        this.primaryUrl = primaryUrl;
        this.replicaUrl = replicaUrl;
        this.settings = settings;
    }

    /**
     * Runs {@code work} on the zone's replica in one read-only transaction.
     *
     * <p>{@code CONSISTENT}: asks the primary for its current WAL position when the call starts
     * ({@code pg_current_wal_lsn()}), waits up to {@code consistentWait} for the replica's replay
     * position ({@code pg_last_wal_replay_lsn()}) to reach it, and only then runs the work; the
     * answer is 0 bytes behind. When the primary cannot be asked within {@code primaryTimeout}, or
     * the replica does not get there in time, it throws {@link UnavailableException} and runs
     * nothing. It never reads on the primary instead.
     *
     * <p>{@code AVAILABLE}: runs the work on the replica at once, and reports how far behind the
     * answer may be: the primary's WAL position (asked after the read, within
     * {@code primaryTimeout}) minus the replica's replay position at read time; empty when the
     * primary could not be asked. It never waits for the replica to catch up.
     */
    public <T> Answer<T> read(Consistency consistency, SqlWork<T> work) throws SQLException {
        throw new UnsupportedOperationException("TODO(consistency-choice): CONSISTENT answers from the replica only once"
                + " its replay position reaches the primary's position at read time, else UnavailableException within"
                + " consistentWait; AVAILABLE answers from the replica at once, with how far behind it may be");
    }
}
