package dev.dbkata.warehouse;

import java.sql.Connection;
import java.time.LocalDateTime;

import javax.sql.DataSource;

/**
 * A type-2 slowly changing customer dimension, and sales attributed to the customer as they were
 * when each sale happened.
 *
 * <p>In DuckDB, after {@link #load()}:
 * <ul>
 *   <li>{@code dim_customer(customer_key BIGINT, customer_id BIGINT, name VARCHAR, country VARCHAR,
 *       plan_id INTEGER, valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN)}: one row per
 *       version of a customer. A customer's first version is valid from {@link #BEGINNING}. When a load
 *       finds that a customer's name, country or plan differs from their current version, that version
 *       ends ({@code valid_to}, no longer current) at the customer's {@code updated_at}, and a new
 *       current version starts there, valid until {@link #END_OF_TIME}. {@code valid_from} is
 *       inclusive, {@code valid_to} exclusive: versions of a customer never overlap and leave no gap.
 *       Each version has its own {@code customer_key}, which never changes once given.</li>
 *   <li>{@code fact_sales(order_id BIGINT, customer_key BIGINT, plan_id INTEGER, amount DECIMAL(12,2),
 *       ordered_at TIMESTAMP)}: one row per order, pointing at the version of its customer that was valid
 *       at {@code ordered_at}.</li>
 * </ul>
 * Timestamps are UTC wall-clock time. Customers are never deleted in this app.
 *
 * <p>Not thread-safe: one load at a time per warehouse.
 */
public final class CustomerHistory {

    /** {@code valid_from} of every customer's first version. */
    public static final LocalDateTime BEGINNING = LocalDateTime.of(1970, 1, 1, 0, 0);
    /** {@code valid_to} of every current version. */
    public static final LocalDateTime END_OF_TIME = LocalDateTime.of(9999, 12, 31, 0, 0);

    private final DataSource postgres;
    private final Connection warehouse;

    /**
     * @param postgres  the app's database (read only)
     * @param warehouse an open DuckDB connection ({@link DuckDb#open}); the caller closes it
     */
    public CustomerHistory(DataSource postgres, Connection warehouse) {
        this.postgres = postgres;
        this.warehouse = warehouse;
    }

    /**
     * Records in {@code dim_customer} what changed about customers since the last load, and makes
     * {@code fact_sales} hold every order once, attributed to the version valid when it was placed
     * (also an order that reaches PostgreSQL after its customer changed). Loading again with nothing
     * changed changes nothing.
     *
     * @throws IllegalStateException when either database refuses; the warehouse then keeps the previous load
     */
    public void load() {
        throw new UnsupportedOperationException("TODO(slowly-changing-dimension): keep type-2 versions of customers"
                + " (valid_from, valid_to, is_current) and point each sale at the version valid when it happened");
    }
}
