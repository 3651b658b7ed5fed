package dev.dbkata.warehouse;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Task star-schema-load (reference): a full load of the app's orders into a star schema.
 *
 * <p>Extract: three result sets from PostgreSQL, appended into staging tables in DuckDB. Transform
 * and load: one DuckDB transaction that rebuilds the dimensions (surrogate keys from
 * {@code row_number()} over the natural key) and the fact table, so a rerun replaces everything and
 * a failure leaves the previous load in place.
 */
public final class StarSchemaLoader {

    private final DataSource postgres;
    private final Connection warehouse;

    public StarSchemaLoader(DataSource postgres, Connection warehouse) {
        this.postgres = postgres;
        this.warehouse = warehouse;
    }

    public void load() {
        try {
            Staging.execute(warehouse,
                    "CREATE OR REPLACE TABLE stage_plans (plan_id INTEGER, name VARCHAR, monthly_price DECIMAL(10,2))",
                    "CREATE OR REPLACE TABLE stage_customers (customer_id BIGINT, name VARCHAR, country VARCHAR)",
                    "CREATE OR REPLACE TABLE stage_orders (order_id BIGINT, customer_id BIGINT, plan_id INTEGER,"
                            + " amount DECIMAL(12,2), ordered_at TIMESTAMP)");
            try (Connection pg = postgres.getConnection()) {
                // One snapshot for the three extracts, so an order never points at a customer the
                // customer extract did not see.
                pg.setAutoCommit(false);
                pg.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                pg.setReadOnly(true);
                try {
                    Staging.copy(pg, "SELECT plan_id, name, monthly_price FROM plans", warehouse, "stage_plans");
                    Staging.copy(pg, "SELECT customer_id, name, country FROM customers", warehouse, "stage_customers");
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
                        "CREATE OR REPLACE TABLE dim_plan AS"
                                + " SELECT CAST(row_number() OVER (ORDER BY plan_id) AS INTEGER) AS plan_key,"
                                + " plan_id, name, monthly_price FROM stage_plans",
                        "CREATE OR REPLACE TABLE dim_customer AS"
                                + " SELECT CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER) AS customer_key,"
                                + " customer_id, name, country FROM stage_customers",
                        "CREATE OR REPLACE TABLE dim_date AS"
                                + " SELECT CAST(strftime(d, '%Y%m%d') AS INTEGER) AS date_key, CAST(d AS DATE) AS date,"
                                + " CAST(year(d) AS INTEGER) AS year, CAST(month(d) AS INTEGER) AS month,"
                                + " CAST(day(d) AS INTEGER) AS day"
                                + " FROM (SELECT unnest(generate_series(CAST(min(ordered_at) AS DATE),"
                                + " CAST(max(ordered_at) AS DATE), INTERVAL 1 DAY)) AS d FROM stage_orders)",
                        "CREATE OR REPLACE TABLE fact_sales AS"
                                + " SELECT o.order_id, CAST(strftime(o.ordered_at, '%Y%m%d') AS INTEGER) AS date_key,"
                                + " c.customer_key, p.plan_key, o.amount"
                                + " FROM stage_orders o"
                                + " JOIN dim_customer c ON c.customer_id = o.customer_id"
                                + " JOIN dim_plan p ON p.plan_id = o.plan_id",
                        "DROP TABLE stage_plans", "DROP TABLE stage_customers", "DROP TABLE stage_orders");
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("The star schema load failed: " + e.getMessage(), e);
        }
    }
}
