package dev.dbkata.warehouse;

import java.math.BigDecimal;
import java.sql.Connection;
import java.util.SortedMap;

/**
 * The same question for both engines: revenue per calendar month and customer bucket over
 * {@code big_sales(id BIGINT, customer_id BIGINT, amount DECIMAL(12,2) / numeric(12,2), sold_at TIMESTAMP)},
 * 1,000,000 rows that both PostgreSQL and DuckDB hold.
 *
 * <p>The answer maps {@link RevenueKey#of}(year, month of {@code sold_at}, {@code customer_id % 100}) to
 * the sum of {@code amount} with scale 2, one entry per group that has sales. The aggregation runs
 * in the database: the point is to time each engine's aggregate, not the transfer of a million rows.
 */
public final class RevenueQueries {

    private RevenueQueries() {
    }

    /** Asks PostgreSQL (row storage) on {@code postgres}, which the caller owns. */
    public static SortedMap<String, BigDecimal> onPostgres(Connection postgres) {
        throw new UnsupportedOperationException("TODO(columnar-vs-row): sum amount per month of sold_at and"
                + " customer_id % 100 on PostgreSQL");
    }

    /** Asks DuckDB (column storage, vectorised execution) on {@code duckdb}, which the caller owns. */
    public static SortedMap<String, BigDecimal> onDuckDb(Connection duckdb) {
        throw new UnsupportedOperationException("TODO(columnar-vs-row): the same aggregate on DuckDB");
    }
}
