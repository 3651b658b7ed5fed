package dev.dbkata.warehouse;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.YearMonth;

/**
 * The data lake: the warehouse's {@code sales} as Parquet files that anyone can read without the
 * warehouse, laid out so that a question about one month opens that month's files only.
 *
 * <p>{@code sales(order_id BIGINT, customer_id BIGINT, plan VARCHAR, amount DECIMAL(12,2),
 * ordered_at TIMESTAMP)} is in the warehouse already (UTC wall-clock time).
 */
public final class SalesLake {

    private final Connection warehouse;

    /** @param warehouse an open DuckDB connection ({@link DuckDb#open}) that has {@code sales}; the caller closes it */
    public SalesLake(Connection warehouse) {
        this.warehouse = warehouse;
    }

    /**
     * Writes every sale to Parquet under {@code lake}, Hive-partitioned by the sale's UTC year and
     * month: {@code lake/year=2025/month=2/<any name>.parquet} holds exactly the sales of February
     * 2025. Replaces whatever the lake held.
     *
     * @throws IllegalStateException when DuckDB refuses
     */
    public void export(Path lake) {
        throw new UnsupportedOperationException("TODO(parquet-lake): COPY sales to Parquet under the lake, partitioned"
                + " into year=/month= folders");
    }

    /**
     * A DuckDB query over the lake's files (not over the {@code sales} table) that returns one row
     * with one column: the revenue of {@code month} ({@code 0} when it had no sales). DuckDB must be
     * able to tell from the query alone which folders to skip, so that it opens only that month's
     * files and never notices what lies in the others.
     */
    public String monthRevenueQuery(Path lake, YearMonth month) {
        throw new UnsupportedOperationException("TODO(parquet-lake): read_parquet over the lake, filtered so DuckDB"
                + " prunes every other month's folder");
    }
}
