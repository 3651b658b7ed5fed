package dev.dbkata.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.PostgresShards;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.StatementStats;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithShards;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task scatter-gather: questions about every order go to every shard at once, and the answers are
 * combined correctly.
 *
 * The shards are deliberately uneven: shard0 holds a few large orders, shard1 many small ones,
 * shard2 some of each, and the largest orders are spread over all three.
 *
 * Rejects:
 * - a top-N that takes the N first rows of the first shard, or of each shard without merging;
 * - a top-N that fetches every row and sorts in Java (each shard must send at most N rows);
 * - an average computed as the average of the shards' averages (or of their sums);
 * - paging with OFFSET: rows deleted or added before the cursor between two pages shift every
 *   later page, so a row is skipped or shown twice; also a global OFFSET applied after the merge;
 * - paging that fetches more than one page from each shard per page;
 * - asking the shards one after another: with every shard holding the question back (a table lock
 *   the test holds), all three shards must show the question waiting at the same time;
 * - a cursor that is not checked (garbage in, garbage out).
 */
@Task(id = "scatter-gather", title = "Ask every shard at once and merge the answers correctly", points = 3)
@WithShards(count = 3, reset = Reset.BEFORE_EACH_TEST)
class ScatterGatherTest {

    private final List<Order> all = new ArrayList<>();

    @BeforeEach
    void spreadUnevenOrders(PostgresShards shards) {
        Random random = new Random(5);
        Set<Long> usedIds = new HashSet<>();
        int[] ordersPerShard = {6, 300, 60};
        long[][] amountRange = {{50_000, 90_000}, {100, 900}, {500, 20_000}};
        for (int i = 0; i < 3; i++) {
            OrdersTable.create(shards.shard(i).dataSource());
            List<Order> mine = new ArrayList<>();
            for (int n = 0; n < ordersPerShard[i]; n++) {
                long id;
                do {
                    id = 1 + random.nextInt(100_000);
                } while (!usedIds.add(id));
                long amount = amountRange[i][0] + random.nextInt((int) (amountRange[i][1] - amountRange[i][0]));
                mine.add(new Order(100 * i + n % 7, id, amount));
            }
            // Ties across shards at the top: the order id breaks them.
            mine.add(new Order(900 + i, 200_000 + (2 - i), 95_000));
            if (i > 0) {
                mine.add(new Order(950 + i, 300_000 + i, 60_000 + 1000 * i));
            }
            ShardRows.insert(shards.shard(i), mine);
            all.addAll(mine);
        }
    }

    @Test
    @DisplayName("top 10 by amount: each shard sends its own top 10, and the merge picks the real top 10")
    void topByAmountMergesEveryShardsTop(PostgresShards shards) {
        resetStatements(shards);
        List<Order> expected = all.stream()
                .sorted(Comparator.comparingLong(Order::amountCents).reversed().thenComparingLong(Order::orderId))
                .limit(10).toList();
        try (ScatterGather question = new ScatterGather(shards.dataSources())) {
            assertThat(question.topByAmount(10))
                    .as("the 10 largest orders of all shards, largest first, equal amounts by order id; they sit on"
                            + " every shard, so no single shard's top is the answer")
                    .containsExactlyElementsOf(expected);
        }
        for (PostgresNode shard : shards.shards()) {
            StatementStats statements = shard.statements();
            long rows = rowsSent(statements);
            assertThat(rows).as("rows %s sent for a top 10 (%s): each shard sends only its own top 10"
                    + " (ORDER BY amount DESC LIMIT 10 on the shard), never its whole table", shard.name(), statements)
                    .isBetween(1L, 10L);
        }
    }

    @Test
    @DisplayName("count, sum and average over every shard: the average comes from the total sum and count")
    void totalsComeFromSumsAndCounts(PostgresShards shards) {
        long count = all.size();
        long sum = all.stream().mapToLong(Order::amountCents).sum();
        try (ScatterGather question = new ScatterGather(shards.dataSources())) {
            OrderTotals totals = question.totals();
            assertThat(totals.orders()).as("orders on all shards").isEqualTo(count);
            assertThat(totals.sumCents()).as("sum of all amounts").isEqualTo(sum);
            assertThat(totals.averageCents()).as("average order amount: total sum / total count = %d / %d. The average"
                    + " of the three shards' averages weighs shard0's 7 orders as much as shard1's 302", sum, count)
                    .isCloseTo((double) sum / count, org.assertj.core.data.Offset.offset(1e-6));
        }
        for (PostgresNode shard : shards.shards()) {
            assertThat(rowsSent(shard.statements())).as("rows %s sent for the totals: the shard adds up, the"
                    + " coordinator does not fetch every order", shard.name()).isLessThanOrEqualTo(3L);
        }
    }

    @Test
    @DisplayName("page by page, by order id: rows deleted and added behind the cursor shift nothing")
    void pagesFollowAKeysetNotAnOffset(PostgresShards shards) {
        List<Order> byId = all.stream().sorted(Comparator.comparingLong(Order::orderId)).toList();
        int size = 25;
        resetStatements(shards);
        List<Order> listed = new ArrayList<>();
        int pages = 0;
        try (ScatterGather question = new ScatterGather(shards.dataSources())) {
            Page page = question.page(null, size);
            assertThat(page.orders()).as("the first page: the 25 lowest order ids of all shards")
                    .containsExactlyElementsOf(byId.subList(0, size));
            listed.addAll(page.orders());
            // Behind the cursor, between two pages: three orders go, two arrive.
            long lastSeen = page.orders().get(size - 1).orderId();
            for (PostgresNode shard : shards.shards()) {
                shard.execute("DELETE FROM orders WHERE order_id IN (SELECT order_id FROM orders WHERE order_id < "
                        + lastSeen + " ORDER BY order_id LIMIT 1)");
            }
            ShardRows.insert(shards.shard(1), List.of(new Order(1, 0, 10), new Order(1, -1, 10)));
            while (page.next() != null) {
                page = question.page(page.next(), size);
                assertThat(page.orders().size()).as("orders on page %d", pages + 2).isLessThanOrEqualTo(size);
                listed.addAll(page.orders());
                pages++;
                assertThat(pages).as("pages listed so far: the listing should end").isLessThan(100);
            }
            assertThat(catchThrowable(() -> question.page("not a cursor", size)))
                    .as("a cursor this listing never gave out").isInstanceOf(IllegalArgumentException.class);
            assertThat(catchThrowable(() -> question.page(null, 0))).as("a page of 0 orders").isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(listed).as("every order listed exactly once, by ascending id, across %d pages. Rows removed or added"
                + " before the cursor must not shift later pages: continue after the last order id seen (a keyset),"
                + " not after a count of rows (OFFSET)", pages + 1).containsExactlyElementsOf(byId);
        for (PostgresNode shard : shards.shards()) {
            StatementStats statements = shard.statements();
            assertThat(statements.callsContaining("offset")).as("statements with OFFSET on %s (%s)", shard.name(), statements)
                    .isZero();
            long calls = statements.calls(q -> q.toLowerCase().contains("orders") && q.toLowerCase().startsWith("select"));
            assertThat(rowsSent(statements)).as("rows %s sent over %d page queries: at most a page (+1) per query", shard.name(), calls)
                    .isLessThanOrEqualTo(calls * (size + 1));
        }
    }

    @Test
    @DisplayName("an empty cluster gives an empty top, zero totals and one empty page")
    void emptyShardsGiveEmptyAnswers(PostgresShards shards) {
        shards.shards().forEach(shard -> shard.execute("TRUNCATE orders"));
        try (ScatterGather question = new ScatterGather(shards.dataSources())) {
            assertThat(question.topByAmount(5)).as("top 5 of no order").isEmpty();
            assertThat(question.totals()).as("totals of no order").isEqualTo(new OrderTotals(0, 0, 0.0));
            Page page = question.page(null, 10);
            assertThat(page.orders()).as("the first page of no order").isEmpty();
            assertThat(page.next()).as("the next cursor after the last page").isNull();
            assertThat(catchThrowable(() -> question.topByAmount(0))).as("a top 0").isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("the shards are asked at the same time: held back on every shard, the question waits on all three at once")
    void shardsAreAskedInParallel(PostgresShards shards) throws Exception {
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (ScatterGather question = new ScatterGather(shards.dataSources())) {
            assertAskedInParallel(shards, caller, "topByAmount(10)", () -> question.topByAmount(10));
            assertAskedInParallel(shards, caller, "totals()", question::totals);
            assertAskedInParallel(shards, caller, "page(null, 20)", () -> question.page(null, 20));
        } finally {
            caller.shutdownNow();
            assertThat(caller.awaitTermination(10, TimeUnit.SECONDS)).as("the test's caller thread ended").isTrue();
        }
    }

    private static void assertAskedInParallel(PostgresShards shards, ExecutorService caller, String what,
            Callable<?> ask) throws Exception {
        Future<?> answer;
        try (HeldTableLocks locks = HeldTableLocks.on(shards.shards())) {
            answer = caller.submit(ask);
            Waits.until(what + " to wait on every shard at once (each shard's orders table is locked by the test;"
                    + " shards asked one after another would show only the first one waiting, and the time of a question"
                    + " would be the sum of the shards' times)", Duration.ofSeconds(5),
                    locks::shardsWithAWaitingQuery, waiting -> waiting.size() == shards.size());
        }
        assertThat(answer.get(10, TimeUnit.SECONDS)).as("%s once the shards answer", what).isNotNull();
    }

    private static void resetStatements(PostgresShards shards) {
        shards.shards().forEach(shard -> shard.statements().reset());
    }

    /** Rows that SELECTs on {@code orders} returned since the last reset. */
    private static long rowsSent(StatementStats statements) {
        return statements.entries().stream()
                .filter(e -> e.query().toLowerCase().contains("orders") && e.query().stripLeading().toLowerCase().startsWith("select"))
                .mapToLong(StatementStats.Entry::rows).sum();
    }
}
