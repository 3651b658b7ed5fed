package dev.dbkata.partitioning;

import java.time.YearMonth;

import javax.sql.DataSource;

/**
 * The {@code events} table of an event-tracking product, split by calendar month with
 * PostgreSQL's declarative range partitioning.
 *
 * <p>The table has these columns, in this order:
 * {@code id bigint NOT NULL, occurred_at timestamptz NOT NULL, region text NOT NULL,
 * customer_id bigint NOT NULL, payload text}. Its partition key is {@code occurred_at}.
 *
 * <p>A month is a calendar month in UTC: {@code events_2026_01} holds every row with
 * {@code 2026-01-01 00:00:00+00 <= occurred_at < 2026-02-01 00:00:00+00}, whatever the
 * {@code TimeZone} of the session that created it or that inserts, and whatever the JVM's
 * default time zone. Rows no month accepts go to
 * the default partition {@code events_default}.
 *
 * <p>Thread-safety: each method borrows its own connections from the data source and keeps no
 * state between calls. {@link #ensurePartitions} is meant for one maintenance job at a time, while
 * the application keeps inserting.
 */
public final class MonthlyEventTable {

    public static final String TABLE = "events";
    public static final String DEFAULT_PARTITION = "events_default";

    private final DataSource dataSource;

    /** @param dataSource where {@code events} lives; its sessions may use any {@code TimeZone} */
    public MonthlyEventTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The partition that holds {@code month}: {@code events_2026_01} for January 2026. */
    public static String partitionName(YearMonth month) {
        return String.format("%s_%04d_%02d", TABLE, month.getYear(), month.getMonthValue());
    }

    /**
     * Creates {@code events}, range-partitioned on {@code occurred_at}, with its default
     * partition {@link #DEFAULT_PARTITION} and no month partition yet.
     *
     * @throws IllegalStateException when the database refuses
     */
    public void createTable() {
        throw new UnsupportedOperationException(
                "TODO(range-by-month): create events PARTITION BY RANGE (occurred_at) with a DEFAULT partition");
    }

    /**
     * Makes sure every month from {@code from} to {@code to}, both included, has its partition
     * ({@link #partitionName}), bounded by UTC instants. Months that exist are left alone, so
     * running it twice, or over months that partly exist, is harmless.
     *
     * <p>Rows of a new month may already sit in the default partition (they arrived before their
     * month existed). PostgreSQL refuses to create a partition while the default holds rows that
     * belong to it; this method moves those rows into the new month instead, without losing or
     * duplicating any, and leaves every other row of the default where it is. The move is one
     * transaction: another session never finds such a row missing or twice (it may have to wait
     * for a lock while the move runs).
     *
     * @throws IllegalArgumentException when {@code to} is before {@code from}
     * @throws IllegalStateException    when the database refuses
     */
    public void ensurePartitions(YearMonth from, YearMonth to) {
        throw new UnsupportedOperationException(
                "TODO(range-by-month): create the missing month partitions (UTC bounds) and move their rows out of "
                        + DEFAULT_PARTITION);
    }
}
