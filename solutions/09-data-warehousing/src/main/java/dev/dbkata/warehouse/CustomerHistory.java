package dev.dbkata.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;

import javax.sql.DataSource;

/**
 * Task slowly-changing-dimension (reference): a type-2 customer dimension and sales attributed to
 * the customer version valid when each sale happened.
 *
 * <p>Each load compares PostgreSQL's customers with the current versions: a customer whose tracked
 * attributes differ gets its current version closed at the customer's {@code updated_at} and a new
 * version opened there; a new customer gets a first version from {@link #BEGINNING}. Unchanged
 * customers are not touched, so a reload adds nothing. The fact table is rebuilt by a range join
 * on the validity interval ({@code valid_from <= ordered_at < valid_to}), which also places a sale
 * that arrives late into the version that was valid when it happened.
 */
public final class CustomerHistory {

    public static final LocalDateTime BEGINNING = LocalDateTime.of(1970, 1, 1, 0, 0);
    public static final LocalDateTime END_OF_TIME = LocalDateTime.of(9999, 12, 31, 0, 0);

    private static final String BEGINNING_SQL = "TIMESTAMP '1970-01-01 00:00:00'";
    private static final String END_SQL = "TIMESTAMP '9999-12-31 00:00:00'";

    private final DataSource postgres;
    private final Connection warehouse;

    public CustomerHistory(DataSource postgres, Connection warehouse) {
        this.postgres = postgres;
        this.warehouse = warehouse;
    }

    public void load() {
        try {
            Staging.execute(warehouse,
                    "CREATE TABLE IF NOT EXISTS dim_customer (customer_key BIGINT, customer_id BIGINT, name VARCHAR,"
                            + " country VARCHAR, plan_id INTEGER, valid_from TIMESTAMP, valid_to TIMESTAMP,"
                            + " is_current BOOLEAN)",
                    "CREATE TABLE IF NOT EXISTS fact_sales (order_id BIGINT, customer_key BIGINT, plan_id INTEGER,"
                            + " amount DECIMAL(12,2), ordered_at TIMESTAMP)",
                    "CREATE SEQUENCE IF NOT EXISTS customer_key_seq",
                    "CREATE OR REPLACE TABLE stage_customers (customer_id BIGINT, name VARCHAR, country VARCHAR,"
                            + " plan_id INTEGER, updated_at TIMESTAMP)",
                    "CREATE OR REPLACE TABLE stage_orders (order_id BIGINT, customer_id BIGINT, plan_id INTEGER,"
                            + " amount DECIMAL(12,2), ordered_at TIMESTAMP)");
            try (Connection pg = postgres.getConnection()) {
                pg.setAutoCommit(false);
                pg.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                pg.setReadOnly(true);
                try {
                    Staging.copy(pg, "SELECT customer_id, name, country, plan_id, updated_at FROM customers",
                            warehouse, "stage_customers");
                    Staging.copy(pg, "SELECT order_id, customer_id, plan_id, amount, ordered_at FROM orders",
                            warehouse, "stage_orders");
                    pg.commit();
                } catch (SQLException | RuntimeException e) {
                    pg.rollback();
                    throw e;
                }
            }
            Staging.inTransaction(warehouse, () -> {
                Staging.execute(warehouse,
                        // Customers whose tracked attributes differ from their current version.
                        "CREATE OR REPLACE TEMP TABLE changed AS"
                                + " SELECT s.* FROM stage_customers s JOIN dim_customer d"
                                + " ON d.customer_id = s.customer_id AND d.is_current"
                                + " WHERE (d.name, d.country, d.plan_id) IS DISTINCT FROM (s.name, s.country, s.plan_id)",
                        "UPDATE dim_customer SET valid_to = c.updated_at, is_current = false"
                                + " FROM changed c WHERE dim_customer.customer_id = c.customer_id AND dim_customer.is_current",
                        "INSERT INTO dim_customer SELECT nextval('customer_key_seq'), customer_id, name, country, plan_id,"
                                + " updated_at, " + END_SQL + ", true FROM changed ORDER BY customer_id",
                        "INSERT INTO dim_customer SELECT nextval('customer_key_seq'), s.customer_id, s.name, s.country,"
                                + " s.plan_id, " + BEGINNING_SQL + ", " + END_SQL + ", true FROM stage_customers s"
                                + " WHERE NOT EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_id = s.customer_id)"
                                + " ORDER BY s.customer_id",
                        "DELETE FROM fact_sales",
                        "INSERT INTO fact_sales SELECT o.order_id, d.customer_key, o.plan_id, o.amount, o.ordered_at"
                                + " FROM stage_orders o JOIN dim_customer d ON d.customer_id = o.customer_id"
                                + " AND o.ordered_at >= d.valid_from AND o.ordered_at < d.valid_to",
                        "DROP TABLE changed", "DROP TABLE stage_customers", "DROP TABLE stage_orders");
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("The customer history load failed: " + e.getMessage(), e);
        }
    }
}
