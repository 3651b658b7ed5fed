package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.dbkata.testkit.PostgresNode;

/** What a shard holds, read by the test in a session of its own: the server's word, not the code's. */
final class ShardRows {

    private ShardRows() {
    }

    /** Every order on the shard, by order id. */
    static List<Order> orders(PostgresNode shard) {
        List<Order> orders = new ArrayList<>();
        try (Connection c = shard.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT customer_id, order_id, amount_cents FROM orders ORDER BY order_id")) {
            while (rs.next()) {
                orders.add(new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the orders of " + shard + ": " + e.getMessage(), e);
        }
        return orders;
    }

    /** Inserts orders straight into one shard, bypassing the code under test. */
    static void insert(PostgresNode shard, Collection<Order> orders) {
        try (Connection c = shard.connect();
             java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
            for (Order o : orders) {
                s.setLong(1, o.customerId());
                s.setLong(2, o.orderId());
                s.setLong(3, o.amountCents());
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not insert orders into " + shard + ": " + e.getMessage(), e);
        }
    }

    /** A checksum of a set of orders that does not depend on their order: what a shard's rows add up to. */
    static long checksum(Collection<Order> orders) {
        long sum = 0;
        for (Order o : orders) {
            sum += o.orderId() * 1_000_003L + o.amountCents() * 31 + o.customerId();
        }
        return sum;
    }

    /** The same checksum, computed by the shard itself over its rows. */
    static long checksumOnServer(PostgresNode shard) {
        return shard.queryValue("SELECT coalesce(sum(order_id * 1000003 + amount_cents * 31 + customer_id), 0)::bigint"
                + " FROM orders", Long.class);
    }

    static long countOnServer(PostgresNode shard) {
        return shard.queryValue("SELECT count(*) FROM orders", Long.class);
    }
}
