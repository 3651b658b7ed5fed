package dev.dbkata.sharding;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * Orders placed on shards by a {@link HashRing} over the customer id, that can move to a new ring
 * while the application keeps reading and writing through this store.
 *
 * <p>Thread-safety: {@link #insert}, {@link #updateAmount}, {@link #delete} and {@link #ordersOf}
 * may be called from many threads at any time, also while {@link #reshardTo} runs in another
 * thread. One {@code reshardTo} at a time.
 */
public final class ReshardableOrders {

    private final Map<String, DataSource> shards;
    private volatile HashRing ring;

    /**
     * @param shards every server the store may use, by the name rings use for it ({@code shard0}, ...);
     *               it may hold servers the ring does not use yet
     * @param ring   where customers live now
     * @throws IllegalArgumentException when the ring names a shard {@code shards} lacks
     */
    public ReshardableOrders(Map<String, DataSource> shards, HashRing ring) {
        this.shards = Map.copyOf(shards);
        this.ring = Objects.requireNonNull(ring, "ring");
        for (String shard : ring.shards()) {
            if (!this.shards.containsKey(shard)) {
                throw new IllegalArgumentException("The ring names " + shard + ", but the store knows only " + shards.keySet());
            }
        }
    }

    /** The ring the store places customers by: after {@link #reshardTo} has returned, the new one. */
    public HashRing ring() {
        return ring;
    }

    /** Creates the {@code orders} table on every server of the store (see {@link OrdersTable}). */
    public void createTables() {
        shards.values().forEach(OrdersTable::create);
    }

    /**
     * Stores {@code order} on its customer's shard.
     *
     * @throws IllegalStateException when the shard refuses
     */
    public void insert(Order order) {
        throw new UnsupportedOperationException("TODO(online-resharding): insert on the shard the ring names");
    }

    /** Sets the amount of an order; false when the customer has no such order. */
    public boolean updateAmount(long customerId, long orderId, long amountCents) {
        throw new UnsupportedOperationException("TODO(online-resharding): update on the shard the ring names");
    }

    /** Deletes an order; false when the customer has no such order. */
    public boolean delete(long customerId, long orderId) {
        throw new UnsupportedOperationException("TODO(online-resharding): delete on the shard the ring names");
    }

    /** Every order of the customer by ascending order id, complete at any moment, during a move too. */
    public List<Order> ordersOf(long customerId) {
        throw new UnsupportedOperationException("TODO(online-resharding): read from the shard the ring names");
    }

    /**
     * Moves every customer whose shard differs under {@code newRing} to its new shard, while other
     * threads keep calling this store. When it returns:
     * <ul>
     *   <li>every order is on the shard {@code newRing} names, once, with its latest amount; orders
     *       deleted during the move are gone everywhere;</li>
     *   <li>{@link #ring()} is {@code newRing};</li>
     *   <li>a shard a customer left refuses (with an error) any insert or update of that customer's
     *       orders, from anyone: a writer that still uses the old ring cannot put rows where no reader
     *       looks (a fence).</li>
     * </ul>
     * Throughout, reads return every order committed before they began, and writes do not wait for
     * the copy (at most for a short cut-over).
     *
     * @throws IllegalArgumentException when {@code newRing} names a shard the store has no server for;
     *                                  nothing changes then
     */
    public void reshardTo(HashRing newRing) {
        throw new UnsupportedOperationException(
                "TODO(online-resharding): capture changes, copy, catch up, cut over, fence the old shards, clean up");
    }
}
