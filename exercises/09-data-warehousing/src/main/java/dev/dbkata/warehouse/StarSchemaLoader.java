package dev.dbkata.warehouse;

import java.sql.Connection;

import javax.sql.DataSource;

/**
 * Loads the subscription app's orders from PostgreSQL into a star schema in DuckDB: one fact table
 * and three dimensions, joined by surrogate keys.
 *
 * <p>PostgreSQL (the source, read only) has {@code plans(plan_id, name, monthly_price)},
 * {@code customers(customer_id, name, country, plan_id, updated_at)} and
 * {@code orders(order_id, customer_id, plan_id, amount numeric(12,2), ordered_at timestamptz, updated_at)};
 * an order's {@code plan_id} is the plan it was sold on.
 *
 * <p>After {@link #load()}, DuckDB has (more columns are allowed):
 * <ul>
 *   <li>{@code dim_date(date_key INTEGER, year INTEGER, month INTEGER, day INTEGER)}: one row per calendar day
 *       (UTC), at least every day that has sales, {@code date_key} = {@code yyyymmdd} (20250331);</li>
 *   <li>{@code dim_plan(plan_key INTEGER, plan_id INTEGER, name VARCHAR)}: one row per plan;</li>
 *   <li>{@code dim_customer(customer_key INTEGER, customer_id BIGINT, name VARCHAR, country VARCHAR)}: one
 *       row per customer;</li>
 *   <li>{@code fact_sales(order_id BIGINT, date_key INTEGER, customer_key INTEGER, plan_key INTEGER,
 *       amount DECIMAL(12,2))}: one row per order. It refers to the dimensions by their surrogate keys
 *       only ({@code customer_key}, {@code plan_key}), never by the app's ids.</li>
 * </ul>
 *
 * <p>The extract goes through pgjdbc (a result set appended with DuckDB's Appender, or
 * {@code CopyManager}'s CSV): DuckDB's postgres extension must be downloaded at run time, and the
 * tests run offline. Days and months are UTC, whatever the JVM's default time zone.
 *
 * <p>Not thread-safe: one load at a time per warehouse connection.
 */
public final class StarSchemaLoader {

    private final DataSource postgres;
    private final Connection warehouse;

    /**
     * @param postgres  the app's database (the loader only reads)
     * @param warehouse an open DuckDB connection ({@link DuckDb#open}); the caller closes it
     */
    public StarSchemaLoader(DataSource postgres, Connection warehouse) {
        this.postgres = postgres;
        this.warehouse = warehouse;
    }

    /**
     * Loads everything PostgreSQL has now. Running it again replaces the previous load: the
     * warehouse then holds each order, customer and plan once, with today's values.
     *
     * @throws IllegalStateException when either database refuses; the previous load is then intact
     */
    public void load() {
        throw new UnsupportedOperationException("TODO(star-schema-load): extract plans, customers and orders with pgjdbc"
                + " and build dim_date, dim_plan, dim_customer and fact_sales (surrogate keys, DECIMAL amounts, UTC days)");
    }
}
