package dev.dbkata.sharding;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * Questions that need every shard. Each question goes to all shards at the same time, each shard
 * does as much of the work as it can (sorting, limiting, adding up), and the answers are merged
 * here. Thread-safe; close it to stop its threads.
 */
public final class ScatterGather implements AutoCloseable {

    private final List<DataSource> shards;
    /** Threads of this object's own, one per shard: never the common pool, which may have one thread. */
    private final ExecutorService pool;

    /** @throws IllegalArgumentException when {@code shards} is empty */
    public ScatterGather(List<DataSource> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("At least one shard is needed");
        }
        this.shards = List.copyOf(shards);
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(shards.size(), task -> {
            Thread t = new Thread(task, "scatter-gather-" + threads.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The {@code n} largest orders of all shards, largest amount first; equal amounts by ascending
     * order id. Each shard sends at most {@code n} rows.
     *
     * @throws IllegalArgumentException when {@code n} is below 1
     */
    public List<Order> topByAmount(int n) {
        throw new UnsupportedOperationException(
                "TODO(scatter-gather): each shard's top n (ORDER BY ... LIMIT n), asked in parallel, merged into the top n");
    }

    /**
     * How many orders there are on all shards, their total amount, and the average amount of one
     * order (0 when there is none). Each shard adds up its own rows and sends one row.
     */
    public OrderTotals totals() {
        throw new UnsupportedOperationException(
                "TODO(scatter-gather): count and sum on every shard in parallel; the average is total sum / total count");
    }

    /**
     * One page of all orders by ascending order id: the first page for {@code after == null}, then
     * the page after the one whose {@link Page#next()} is {@code after}. Orders removed or added
     * before the cursor between two calls do not shift later pages: every order that exists
     * throughout a listing is listed exactly once. Each shard sends at most one page of rows per
     * call (one more row is allowed, to tell whether there is a next page).
     *
     * @param size how many orders a page holds, at least 1
     * @throws IllegalArgumentException when {@code size} is below 1, or {@code after} is not a cursor
     *                                  this listing gave out
     */
    public Page page(String after, int size) {
        throw new UnsupportedOperationException(
                "TODO(scatter-gather): a keyset page (order_id > cursor ORDER BY order_id LIMIT size) from every shard, merged");
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
