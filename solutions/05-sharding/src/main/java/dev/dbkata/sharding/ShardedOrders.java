package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

/** Orders spread over independent servers by customer: each customer's orders on one shard. */
public final class ShardedOrders {

    private final List<DataSource> shards;
    private final ShardRouter router;

    public ShardedOrders(List<DataSource> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("At least one shard is needed");
        }
        this.shards = List.copyOf(shards);
        this.router = new ShardRouter(shards.size());
    }

    public void createTables() {
        shards.forEach(OrdersTable::create);
    }

    public int shardFor(long customerId) {
        return router.shardFor(customerId);
    }

    public void insert(Order order) {
        Objects.requireNonNull(order, "order");
        try (Connection c = shards.get(shardFor(order.customerId())).getConnection();
             PreparedStatement s = c.prepareStatement(
                     "INSERT INTO orders (customer_id, order_id, amount_cents) VALUES (?, ?, ?)")) {
            s.setLong(1, order.customerId());
            s.setLong(2, order.orderId());
            s.setLong(3, order.amountCents());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not insert " + order + ": " + e.getMessage(), e);
        }
    }

    public List<Order> ordersOf(long customerId) {
        try (Connection c = shards.get(shardFor(customerId)).getConnection();
             PreparedStatement s = c.prepareStatement("SELECT customer_id, order_id, amount_cents FROM orders"
                     + " WHERE customer_id = ? ORDER BY order_id")) {
            s.setLong(1, customerId);
            List<Order> orders = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    orders.add(new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return orders;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the orders of customer " + customerId + ": " + e.getMessage(), e);
        }
    }
}
