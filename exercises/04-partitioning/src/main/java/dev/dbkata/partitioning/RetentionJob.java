package dev.dbkata.partitioning;

import java.time.YearMonth;

import javax.sql.DataSource;

/**
 * Removes whole months from {@code events}, keeping a copy of their rows in {@code events_archive}.
 *
 * <p>{@code events} is range-partitioned by UTC month as in task range-by-month: its partitions are
 * named {@code events_YYYY_MM}, and it has no default partition. {@code events_archive} exists and
 * has the same columns in the same order.
 *
 * <p>Thread-safety: one job at a time per table; readers and writers of other months may run
 * throughout.
 */
public final class RetentionJob {

    public static final String TABLE = "events";
    public static final String ARCHIVE = "events_archive";

    private final DataSource dataSource;

    public RetentionJob(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Removes every month before {@code cutoff} from {@code events}: each such month's rows end
     * up in {@code events_archive}, exactly once, and its table is dropped. Months from the
     * cutoff on are not touched.
     *
     * <p>What the database must observe:
     * <ul>
     *   <li>no lock that would make a reader or writer of recent months wait: the job may wait
     *       for them, never they for it (so no ACCESS EXCLUSIVE lock on {@code events});</li>
     *   <li>a month's table is dropped only after its rows are in the archive and counted; when
     *       archiving fails, the table (attached or already detached) keeps all its rows, and the
     *       failure is thrown;</li>
     *   <li>a later run finishes what a failed run left, also a month table already detached.</li>
     * </ul>
     *
     * @return the dropped tables, oldest first, and how many rows were archived
     * @throws IllegalStateException when a step fails; the months dropped before it stay dropped
     */
    public RetentionReport dropMonthsBefore(YearMonth cutoff) {
        throw new UnsupportedOperationException("TODO(retention): for each month before the cutoff, DETACH PARTITION"
                + " CONCURRENTLY, copy its rows into " + ARCHIVE + ", check the count, then drop it");
    }
}
