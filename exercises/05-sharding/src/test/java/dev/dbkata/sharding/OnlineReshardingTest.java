package dev.dbkata.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.dbkata.testkit.Level;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.PostgresShards;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithShards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task online-resharding: orders placed by a 3-shard ring move to a 4-shard ring (shard3 joins)
 * while writers keep inserting, updating and deleting, and readers keep reading.
 *
 * How the test controls the interleaving: two gates (row triggers that wait for an advisory lock
 * the test holds). Gate A stops the first row written into shard3: the move is copying. Gate B
 * stops the deletion of a moved customer's rows from its old shard: the cut-over is done and the
 * old copies are being removed. At each stop the test writes and reads through the store, checks
 * every answer, and lets two background writers make progress before it opens the gate.
 *
 * Rejects:
 * - copying without catching up: changes made during the copy (an insert, an update, a delete of
 *   a moving customer) are lost or a deleted row comes back;
 * - a move that stops writers or readers while it copies (a lock held for the whole move);
 * - removing rows from the old shard before reads go to the new one (a read misses them);
 * - switching reads to the new ring before the new shard has every row (a read misses them);
 * - leaving the moved rows on the old shard too (counted and checksummed per shard);
 * - no fence: once the move is over, the old shard still accepts an insert for a customer who
 *   left it, from a writer that still uses the old ring;
 * - a fence that knows only the customers who had rows at the cut-over: the old shard still accepts
 *   the first order of a brand-new customer whom the new ring places on shard3;
 * - rehashing every customer (only the keys the new ring gives shard3 may move).
 */
@Task(id = "online-resharding", title = "Grow from 3 to 4 shards while writers keep writing", level = Level.ADVANCED,
        points = 5)
@WithShards(count = 4, reset = Reset.BEFORE_EACH_TEST)
class OnlineReshardingTest {

    private static final List<String> OLD_SHARDS = List.of("shard0", "shard1", "shard2");
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicLong orderIds = new AtomicLong(1);

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(20, TimeUnit.SECONDS)).as("the test's threads ended").isTrue();
    }

    @Test
    @DisplayName("shard3 joins while writers write: every row ends where the new ring says, none lost, doubled or revived")
    void movesWhileWritersWrite(PostgresShards shards) throws Exception {
        HashRing oldRing = threeShardRing();
        HashRing newRing = oldRing.withShard("shard3");
        ReshardableOrders store = new ReshardableOrders(byName(shards), oldRing);
        store.createTables();
        Map<Long, Order> expected = new ConcurrentHashMap<>();
        List<Long> customers = new ArrayList<>();
        for (long k = 1; k <= 150; k++) {
            customers.add(4 * k);
            for (int n = 0; n < 2; n++) {
                Order order = new Order(4 * k, orderIds.getAndIncrement(), 1000 * k + n);
                store.insert(order);
                expected.put(order.orderId(), order);
            }
        }
        List<Long> moving = customers.stream().filter(c -> newRing.shardFor(c).equals("shard3")).toList();
        long staying = customers.stream().filter(c -> !newRing.shardFor(c).equals("shard3")).findFirst().orElseThrow();
        assertThat(moving).as("customers the 4-shard ring gives shard3 (the test needs a few)").hasSizeGreaterThan(5);
        long g1 = moving.get(0);
        long g2 = moving.get(1);
        long g3 = moving.get(2);
        long g4 = moving.get(3);
        long newcomer = firstNewCustomerOn(newRing, "shard3");
        List<Long> watched = List.of(g1, g2, g3, g4, moving.get(4), staying, newcomer);

        List<Writer> writers = List.of(new Writer(store, 0), new Writer(store, 1));
        List<Future<?>> running = new ArrayList<>();
        writers.forEach(w -> running.add(threads.submit(w)));
        writers.forEach(w -> w.awaitProgress(3));

        try (TriggerGate copying = TriggerGate.closed(61, "INSERT", "true", List.of(shards.shard(3)));
             TriggerGate removingOldCopies = TriggerGate.closed(62, "DELETE", "OLD.customer_id = " + g1,
                     shards.shards().subList(0, 3))) {
            Future<?> move = threads.submit(() -> store.reshardTo(newRing));
            Waits.until("reshardTo to write its first row into shard3", BOUND,
                    () -> move.isDone() || copying.hasSomeoneWaiting());
            if (move.isDone()) {
                move.get();
                fail("reshardTo(4-shard ring) returned without ever writing a row into shard3, though %d customers"
                        + " move there", moving.size());
            }

            // Stop A: the move is copying. Change moving customers behind its back, and read.
            within("writes through the store while the move copies rows: they must not wait for the move", () -> {
                add(store, expected, new Order(g2, orderIds.getAndIncrement(), 777));
                Order changed = ordersOf(expected, g3).get(0);
                assertThat(store.updateAmount(g3, changed.orderId(), 4242)).as("update of order %d", changed.orderId()).isTrue();
                expected.put(changed.orderId(), new Order(g3, changed.orderId(), 4242));
                Order gone = ordersOf(expected, g4).get(1);
                assertThat(store.delete(g4, gone.orderId())).as("delete of order %d", gone.orderId()).isTrue();
                expected.remove(gone.orderId());
                add(store, expected, new Order(newcomer, orderIds.getAndIncrement(), 555));
                add(store, expected, new Order(staying, orderIds.getAndIncrement(), 333));
                return null;
            });
            assertReadsSeeEverything(store, expected, watched, "while the move was copying rows into shard3");
            writers.forEach(w -> w.awaitProgress(5));
            copying.open();

            Waits.until("reshardTo to finish, or to delete the moved rows of customer " + g1 + " from its old shard",
                    Duration.ofSeconds(20), () -> move.isDone() || removingOldCopies.hasSomeoneWaiting());
            if (!move.isDone()) {
                // Stop B: the old copy of customer g1 is being removed.
                assertReadsSeeEverything(store, expected, watched, "while the move was deleting customer " + g1
                        + "'s rows from its old shard (reads must already go to shard3 by then)");
                within("a write for a moved customer while the old copies are removed", () -> {
                    add(store, expected, new Order(g2, orderIds.getAndIncrement(), 888));
                    return null;
                });
                writers.forEach(w -> w.awaitProgress(5));
                removingOldCopies.open();
            }
            try {
                move.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("reshardTo failed: " + e.getCause(), e.getCause());
            }
        }
        writers.forEach(w -> w.awaitProgress(10));
        writers.forEach(Writer::stop);
        for (Future<?> writer : running) {
            writer.get(20, TimeUnit.SECONDS);
        }
        for (Writer writer : writers) {
            if (writer.failure.get() != null) {
                throw new AssertionError("a background writer's operation failed during the move: "
                        + writer.failure.get(), writer.failure.get());
            }
            expected.putAll(writer.mine);
        }

        assertThat(store.ring().shards()).as("the store's ring after reshardTo").containsExactlyInAnyOrderElementsOf(newRing.shards());
        for (int i = 0; i < 4; i++) {
            String name = "shard" + i;
            assertShardHoldsExactly(shards.shard(i), expected.values().stream()
                    .filter(o -> newRing.shardFor(o.customerId()).equals(name)).toList());
        }
        String oldHome = oldRing.shardFor(g2);
        PostgresNode oldShard = shards.shard(Integer.parseInt(oldHome.substring(5)));
        assertThat(catchThrowable(() -> oldShard.execute("INSERT INTO orders VALUES (" + g2 + ", 99999999, 1)")))
                .as("after the move, a writer that still uses the old ring inserts an order of customer %d on %s,"
                        + " which the customer left: the old shard must refuse it (a fence), or the row is lost to every"
                        + " reader", g2, oldHome)
                .isInstanceOf(IllegalStateException.class);
        assertThat(ShardRows.orders(oldShard)).as("orders of customer %d left on %s", g2, oldHome)
                .noneMatch(o -> o.customerId() == g2);
        long stranger = firstNewCustomerMovingFrom(oldRing, newRing, oldHome, customers);
        assertThat(catchThrowable(() -> oldShard.execute("INSERT INTO orders VALUES (" + stranger + ", 99999998, 1)")))
                .as("after the move, a writer that still uses the old ring inserts the first order of a brand-new"
                        + " customer %d on %s, where the old ring puts it; the new ring puts it on shard3, so no reader"
                        + " will ever look there: the fence must refuse every write the new layout does not send there,"
                        + " not only writes for customers that had rows at the cut-over", stranger, oldHome)
                .isInstanceOf(IllegalStateException.class);
        for (long customer : watched) {
            assertThat(store.ordersOf(customer)).as("ordersOf(%d) after the move", customer)
                    .containsExactlyElementsOf(ordersOf(expected, customer));
        }
    }

    @Test
    @DisplayName("a ring that names a shard the store does not know is refused, and nothing moves")
    void unknownShardIsRefused(PostgresShards shards) {
        HashRing oldRing = threeShardRing();
        ReshardableOrders store = new ReshardableOrders(byName(shards), oldRing);
        store.createTables();
        store.insert(new Order(8, 1, 100));
        assertThat(catchThrowable(() -> store.reshardTo(oldRing.withShard("shard9"))))
                .as("reshardTo a ring with shard9, which the store has no server for").isInstanceOf(IllegalArgumentException.class);
        assertThat(store.ring().shards()).as("the ring after a refused reshard").containsExactlyInAnyOrderElementsOf(OLD_SHARDS);
        assertThat(store.ordersOf(8)).as("orders of customer 8 after a refused reshard").containsExactly(new Order(8, 1, 100));
    }

    /** Inserts, updates and deletes its own customers' orders, one operation after another, until stopped. */
    private final class Writer implements Runnable {
        private final ReshardableOrders store;
        private final List<Long> customers = new ArrayList<>();
        private final Map<Long, Order> mine = new ConcurrentHashMap<>();
        private final AtomicInteger operations = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopped;

        Writer(ReshardableOrders store, int number) {
            this.store = store;
            for (long k = 1; k <= 10; k++) {
                long customer = 1_000_000L + number * 100_000L + 4 * k;
                customers.add(customer);
                for (int n = 0; n < 2; n++) {
                    Order order = new Order(customer, orderIds.getAndIncrement(), 10 * k + n);
                    store.insert(order);
                    mine.put(order.orderId(), order);
                }
            }
        }

        @Override
        public void run() {
            try {
                for (int i = 0; !stopped && !Thread.currentThread().isInterrupted(); i++) {
                    long customer = customers.get(i % customers.size());
                    List<Order> current = ordersOf(mine, customer);
                    if (i % 3 == 1 && !current.isEmpty()) {
                        Order first = current.get(0);
                        if (!store.updateAmount(customer, first.orderId(), 5 + i)) {
                            throw new AssertionError("updateAmount(" + customer + ", " + first.orderId()
                                    + ") found no such order, though its insert was committed earlier (maybe during"
                                    + " the move): the shard the ring names must have it. Was a change made during the"
                                    + " copy lost at the cut-over?");
                        }
                        mine.put(first.orderId(), new Order(customer, first.orderId(), 5 + i));
                    } else if (i % 3 == 2 && current.size() > 1) {
                        Order last = current.get(current.size() - 1);
                        if (!store.delete(customer, last.orderId())) {
                            throw new AssertionError("delete(" + customer + ", " + last.orderId() + ") found no such"
                                    + " order, though its insert was committed earlier (maybe during the move): the shard"
                                    + " the ring names must have it. Was a change made during the copy lost at the cut-over?");
                        }
                        mine.remove(last.orderId());
                    } else {
                        Order order = new Order(customer, orderIds.getAndIncrement(), 100 + i);
                        store.insert(order);
                        mine.put(order.orderId(), order);
                    }
                    operations.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        void awaitProgress(int more) {
            int target = operations.get() + more;
            Waits.until("a background writer to complete " + more + " more operations (writes must keep working during"
                    + " the move)", BOUND, () -> operations.get() >= target || failure.get() != null);
            if (failure.get() != null) {
                throw new AssertionError("a background writer's operation failed: " + failure.get(), failure.get());
            }
        }

        void stop() {
            stopped = true;
        }
    }

    private void assertReadsSeeEverything(ReshardableOrders store, Map<Long, Order> expected, List<Long> customers,
            String when) throws Exception {
        within("reads through the store " + when, () -> {
            for (long customer : customers) {
                assertThat(store.ordersOf(customer)).as("ordersOf(%d) %s: every order committed so far, once, by id",
                        customer, when).containsExactlyElementsOf(ordersOf(expected, customer));
            }
            return null;
        });
    }

    private static void assertShardHoldsExactly(PostgresNode shard, List<Order> expected) {
        long count = ShardRows.countOnServer(shard);
        long checksum = ShardRows.checksumOnServer(shard);
        if (count != expected.size() || checksum != ShardRows.checksum(expected)) {
            Set<Order> held = new java.util.HashSet<>(ShardRows.orders(shard));
            Set<Order> want = new java.util.HashSet<>(expected);
            List<Order> missing = want.stream().filter(o -> !held.contains(o)).limit(5).toList();
            List<Order> extra = held.stream().filter(o -> !want.contains(o)).limit(5).toList();
            fail("%s holds %d orders (checksum %d), but the new ring places %d there (checksum %d). Missing (or with an"
                    + " old amount) e.g. %s; there but should not be (left behind, revived or stale) e.g. %s",
                    shard.name(), count, checksum, expected.size(), ShardRows.checksum(expected), missing, extra);
        }
    }

    private void within(String what, Callable<Void> work) throws Exception {
        Future<Void> done = threads.submit(work);
        try {
            done.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            done.cancel(true);
            throw new AssertionError(what + " did not finish within " + BOUND.toSeconds() + " s: they wait for the move",
                    e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private static void add(ReshardableOrders store, Map<Long, Order> expected, Order order) {
        store.insert(order);
        expected.put(order.orderId(), order);
    }

    private static List<Order> ordersOf(Map<Long, Order> orders, long customer) {
        return orders.values().stream().filter(o -> o.customerId() == customer)
                .sorted(Comparator.comparingLong(Order::orderId)).collect(Collectors.toList());
    }

    /** The 3-shard ring the test starts from; this task builds on task consistent-hashing's HashRing. */
    private static HashRing threeShardRing() {
        try {
            return new HashRing(OLD_SHARDS, 200);
        } catch (UnsupportedOperationException e) {
            throw new AssertionError("online-resharding moves customers from one HashRing to another, and HashRing is"
                    + " not written yet: do task consistent-hashing first (" + e.getMessage() + ")", e);
        }
    }

    private static long firstNewCustomerMovingFrom(HashRing oldRing, HashRing newRing, String from, List<Long> used) {
        for (long id = 700_001; ; id++) {
            if (oldRing.shardFor(id).equals(from) && newRing.shardFor(id).equals("shard3") && !used.contains(id)) {
                return id;
            }
        }
    }

    private static long firstNewCustomerOn(HashRing ring, String shard) {
        for (long id = 500_001; ; id++) {
            if (ring.shardFor(id).equals(shard)) {
                return id;
            }
        }
    }

    private static Map<String, DataSource> byName(PostgresShards shards) {
        Map<String, DataSource> named = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            named.put("shard" + i, shards.shard(i).dataSource());
        }
        return named;
    }
}
