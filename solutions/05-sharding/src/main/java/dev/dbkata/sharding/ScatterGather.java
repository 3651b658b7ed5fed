package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/** Questions that need every shard: asked of all shards at once, answers merged here. */
public final class ScatterGather implements AutoCloseable {

    private static final Comparator<Order> BY_AMOUNT_DESC =
            Comparator.comparingLong(Order::amountCents).reversed().thenComparingLong(Order::orderId);

    private final List<DataSource> shards;
    private final ExecutorService pool;

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

    public List<Order> topByAmount(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, not " + n);
        }
        List<List<Order>> perShard = askEveryShard(c -> orders(c,
                "SELECT customer_id, order_id, amount_cents FROM orders ORDER BY amount_cents DESC, order_id LIMIT ?", n));
        List<Order> all = new ArrayList<>();
        perShard.forEach(all::addAll);
        all.sort(BY_AMOUNT_DESC);
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }

    public OrderTotals totals() {
        List<long[]> perShard = askEveryShard(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*), coalesce(sum(amount_cents), 0) FROM orders");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
        long count = 0;
        long sum = 0;
        for (long[] shard : perShard) {
            count += shard[0];
            sum += shard[1];
        }
        return new OrderTotals(count, sum, count == 0 ? 0.0 : (double) sum / count);
    }

    public Page page(String after, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("A page holds at least one order, not " + size);
        }
        long afterId = parseCursor(after);
        List<List<Order>> perShard = askEveryShard(c -> orders(c, "SELECT customer_id, order_id, amount_cents FROM orders"
                + " WHERE order_id > ? ORDER BY order_id LIMIT ?", afterId, size));
        List<Order> all = new ArrayList<>();
        perShard.forEach(all::addAll);
        all.sort(Comparator.comparingLong(Order::orderId));
        boolean more = all.size() > size || perShard.stream().anyMatch(list -> list.size() == size);
        List<Order> page = all.subList(0, Math.min(size, all.size()));
        String next = more && !page.isEmpty() ? Long.toString(page.get(page.size() - 1).orderId()) : null;
        return new Page(page, next);
    }

    private static long parseCursor(String after) {
        if (after == null) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a cursor this listing gave out: " + after, e);
        }
    }

    private interface ShardQuery<T> {
        T ask(Connection c) throws SQLException;
    }

    /** Sends the question to every shard at once and waits for all the answers. */
    private <T> List<T> askEveryShard(ShardQuery<T> query) {
        List<Future<T>> answers = new ArrayList<>();
        for (DataSource shard : shards) {
            answers.add(pool.submit(() -> {
                try (Connection c = shard.getConnection()) {
                    return query.ask(c);
                }
            }));
        }
        List<T> results = new ArrayList<>();
        try {
            for (Future<T> answer : answers) {
                results.add(answer.get());
            }
        } catch (InterruptedException e) {
            answers.forEach(a -> a.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the shards", e);
        } catch (ExecutionException e) {
            answers.forEach(a -> a.cancel(true));
            throw new IllegalStateException("A shard failed to answer: " + e.getCause().getMessage(), e.getCause());
        }
        return results;
    }

    private static List<Order> orders(Connection c, String sql, long... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setLong(i + 1, params[i]);
            }
            List<Order> orders = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    orders.add(new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return orders;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
