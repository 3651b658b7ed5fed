package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The {@code orders} table every shard holds: the same columns everywhere, each shard with its own
 * customers' rows. Given, because creating a table is not the lesson.
 *
 * <pre>
 * orders (customer_id bigint NOT NULL, order_id bigint PRIMARY KEY, amount_cents bigint NOT NULL)
 * index orders_customer (customer_id), index orders_amount (amount_cents)
 * </pre>
 */
public final class OrdersTable {

    public static final String NAME = "orders";

    private OrdersTable() {
    }

    /** Creates {@code orders} and its indexes on the shard unless they exist. */
    public static void create(DataSource shard) {
        try (Connection c = shard.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (customer_id bigint NOT NULL,"
                    + " order_id bigint PRIMARY KEY, amount_cents bigint NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id)");
            s.execute("CREATE INDEX IF NOT EXISTS orders_amount ON orders (amount_cents)");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the orders table: " + e.getMessage(), e);
        }
    }
}
