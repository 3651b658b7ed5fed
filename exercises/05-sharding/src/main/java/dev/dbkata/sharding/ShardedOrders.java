package dev.dbkata.sharding;

import java.util.List;

import javax.sql.DataSource;

/**
 * Orders spread over independent servers by customer: all orders of a customer live on the shard
 * a {@link ShardRouter} over {@code shards.size()} shards names for the customer id.
 *
 * <p>Thread-safe: many threads may insert and read at once.
 */
public final class ShardedOrders {

    private final List<DataSource> shards;
    private final ShardRouter router;

    /**
     * @param shards one data source per shard: index 0 is {@code shard0}, and so on
     * @throws IllegalArgumentException when {@code shards} is empty
     */
    public ShardedOrders(List<DataSource> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("At least one shard is needed");
        }
        this.shards = List.copyOf(shards);
        this.router = new ShardRouter(shards.size());
    }

    /** Creates the {@code orders} table on every shard (see {@link OrdersTable}). */
    public void createTables() {
        shards.forEach(OrdersTable::create);
    }

    /** The index of the shard that holds {@code customerId}'s orders. */
    public int shardFor(long customerId) {
        return router.shardFor(customerId);
    }

    /**
     * Stores {@code order} on its customer's shard, and on no other.
     *
     * @throws IllegalStateException when the shard refuses (a duplicate order id, for one)
     */
    public void insert(Order order) {
        throw new UnsupportedOperationException("TODO(shard-routing): insert the order on the shard of its customer");
    }

    /**
     * Every order of {@code customerId}, by ascending order id; empty when there is none. Runs on the
     * customer's shard only: no other shard sees a statement.
     */
    public List<Order> ordersOf(long customerId) {
        throw new UnsupportedOperationException(
                "TODO(shard-routing): read the customer's orders from its one shard, sorted by order id");
    }
}
