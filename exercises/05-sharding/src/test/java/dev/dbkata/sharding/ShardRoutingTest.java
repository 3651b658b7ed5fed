package dev.dbkata.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.PostgresShards;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithShards;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task shard-routing: a customer's orders live on one of three independent servers, chosen by a
 * hash of the customer id, and a lookup asks that server only.
 *
 * Rejects:
 * - routing by the raw id, customerId % n: ids that are multiples of the shard count, or stepped
 *   ids, all land on one shard;
 * - Long.hashCode(id) % n: it is the id itself for ids below 2^32, and folds high and low halves
 *   into zero for some patterns;
 * - a modulo that goes negative for negative ids;
 * - a lookup that asks every shard and merges (counted per shard in pg_stat_statements);
 * - a lookup that returns orders in whatever order the shard holds them (no ORDER BY);
 * - a placement that is not a pure function of the id (a fresh router must find every row).
 */
@Task(id = "shard-routing", title = "Route each customer to one shard by a hash of its id", points = 2)
@WithShards(count = 3, reset = Reset.BEFORE_EACH_TEST)
class ShardRoutingTest {

    /** Id families whose patterns a weak hash lets through. */
    enum IdFamily {
        SEQUENTIAL(k -> k + 1),
        MULTIPLES_OF_THE_SHARD_COUNT(k -> 3 * (k + 1)),
        STEP_OF_1024(k -> 1024 * (k + 1)),
        TIME_BASED(k -> ((1_700_000_000_000L + 7 * k) << 22) | 5),
        HIGH_BITS_ONLY(k -> (3 * (k + 1)) << 32);

        private final LongUnaryOperator kth;

        IdFamily(LongUnaryOperator kth) {
            this.kth = kth;
        }

        long id(long k) {
            return kth.applyAsLong(k);
        }
    }

    @Test
    @DisplayName("customers spread within ±10% of even over 3 shards, whatever the shape of their ids")
    void patternedIdsSpreadEvenly() {
        List<String> complaints = new ArrayList<>();
        for (int shards : new int[] {3, 4}) {
            ShardRouter router = new ShardRouter(shards);
            for (IdFamily family : IdFamily.values()) {
                int[] perShard = new int[shards];
                for (long k = 0; k < 30_000; k++) {
                    long id = family.id(k);
                    int shard = router.shardFor(id);
                    assertThat(shard).as("shardFor(%d) with %d shards: a shard index is in 0..%d (a negative modulo?)",
                            id, shards, shards - 1).isBetween(0, shards - 1);
                    perShard[shard]++;
                }
                double even = 30_000.0 / shards;
                for (int i = 0; i < shards; i++) {
                    if (Math.abs(perShard[i] - even) > 0.10 * even) {
                        complaints.add(String.format("%s ids over %d shards: shard%d gets %d of 30000 (even is %.0f)",
                                family, shards, i, perShard[i], even));
                        break;
                    }
                }
            }
        }
        assertThat(complaints).as("every shard should get its share of customers, within 10%. The raw id modulo n,"
                + " or Long.hashCode, lets the pattern of the ids through: hash the id so that every bit counts").isEmpty();
        assertThat(new ShardRouter(3).shardFor(-7)).as("shardFor(-7): negative ids get a shard too").isBetween(0, 2);
        assertThat(new ShardRouter(3).shardFor(Long.MIN_VALUE)).as("shardFor(Long.MIN_VALUE)").isBetween(0, 2);
    }

    @Test
    @DisplayName("each shard, queried directly, holds only the customers the router sends to it")
    void eachShardHoldsOnlyItsCustomers(PostgresShards shards) {
        ShardedOrders orders = new ShardedOrders(shards.dataSources());
        orders.createTables();
        Map<Long, List<Order>> written = writeOrders(orders, 60, IdFamily.MULTIPLES_OF_THE_SHARD_COUNT);

        ShardRouter fresh = new ShardRouter(3);
        int total = 0;
        for (int i = 0; i < 3; i++) {
            PostgresNode shard = shards.shard(i);
            List<Order> held = ShardRows.orders(shard);
            total += held.size();
            for (Order order : held) {
                assertThat(fresh.shardFor(order.customerId()))
                        .as("order %d of customer %d is stored on shard%d, but a router asked afresh sends customer %d"
                                + " to shard%d: placement must depend on the id alone", order.orderId(), order.customerId(),
                                i, order.customerId(), fresh.shardFor(order.customerId()))
                        .isEqualTo(i);
            }
            assertThat(held).as("shard%d holds no order at all: 60 customers whose ids are multiples of 3 should reach"
                    + " every shard, or the shard count shows through the hash", i).isNotEmpty();
        }
        assertThat(total).as("orders stored over all shards (each once)").isEqualTo(120);
        written.forEach((customer, expected) -> assertThat(orders.ordersOf(customer))
                .as("ordersOf(%d) after writing", customer).containsExactlyElementsOf(expected));
    }

    @Test
    @DisplayName("a lookup by customer runs on the customer's shard only")
    void lookupAsksOneShard(PostgresShards shards) {
        ShardedOrders orders = new ShardedOrders(shards.dataSources());
        orders.createTables();
        Map<Long, List<Order>> written = writeOrders(orders, 30, IdFamily.TIME_BASED);

        for (long customer : new ArrayList<>(written.keySet()).subList(0, 6)) {
            shards.shards().forEach(node -> node.statements().reset());
            List<Order> read = orders.ordersOf(customer);
            int home = new ShardRouter(3).shardFor(customer);
            Map<String, Long> callsPerShard = new TreeMap<>();
            for (int i = 0; i < 3; i++) {
                callsPerShard.put("shard" + i, shards.shard(i).statements().callsContaining("orders"));
            }
            assertThat(read).as("ordersOf(%d): the customer's orders by ascending order id", customer)
                    .containsExactlyElementsOf(written.get(customer));
            for (int i = 0; i < 3; i++) {
                if (i == home) {
                    assertThat(callsPerShard.get("shard" + i)).as("statements on orders per shard for ordersOf(%d): %s;"
                            + " the customer lives on shard%d", customer, callsPerShard, home).isPositive();
                } else {
                    assertThat(callsPerShard.get("shard" + i)).as("statements on orders per shard for ordersOf(%d): %s."
                            + " The customer lives on shard%d: a lookup asks that shard only, never every shard",
                            customer, callsPerShard, home).isZero();
                }
            }
        }
    }

    @Test
    @DisplayName("bad input gets a clear error")
    void badInputIsRefused(PostgresShards shards) {
        assertThat(catchThrowable(() -> new ShardRouter(0))).as("a router over 0 shards").isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> new ShardedOrders(List.of()))).as("orders over no shard").isInstanceOf(IllegalArgumentException.class);
        ShardedOrders orders = new ShardedOrders(shards.dataSources());
        orders.createTables();
        orders.insert(new Order(42, 1, 100));
        assertThat(catchThrowable(() -> orders.insert(new Order(42, 1, 200))))
                .as("a second order with the same id is refused by the shard's primary key, and reported")
                .isInstanceOf(IllegalStateException.class);
        assertThat(orders.ordersOf(42)).as("the first order is kept").containsExactly(new Order(42, 1, 100));
        assertThat(orders.ordersOf(43)).as("a customer without orders").isEmpty();
    }

    /** {@code customers} customers of the family, two orders each, inserted highest order id first. */
    private static Map<Long, List<Order>> writeOrders(ShardedOrders orders, int customers, IdFamily family) {
        Map<Long, List<Order>> written = new HashMap<>();
        long orderId = 5000;
        for (long k = 0; k < customers; k++) {
            long customer = family.id(k);
            List<Order> mine = List.of(new Order(customer, orderId, 100 + k), new Order(customer, orderId + 1, 200 + k));
            orderId += 2;
            orders.insert(mine.get(1));
            orders.insert(mine.get(0));
            written.put(customer, mine);
        }
        return written;
    }
}
