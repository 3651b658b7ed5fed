package dev.dbkata.verticalhorizontalscaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task read-scale-out: a read router over the primary and two replicas that gives each server a
 * share of the reads in proportion to its capacity (its query slots), and never runs more queries
 * at once on a server than it has slots. Each server's capacity stands in for its CPUs and disks:
 * on this 2-core machine three servers have no more CPU than one, so the speed check uses
 * pg_sleep-backed queries, which wait like I/O does without using a core.
 *
 * Rejects:
 * - reads only on the replicas (the primary's capacity is wasted) or only on the primary;
 * - turns that ignore capacity (plain round robin gives each server a third);
 * - no cap on concurrent queries per server (a server then "has" unlimited capacity);
 * - a router that queues all reads behind one lock or one server: three servers must finish the
 *   same latency-bound work at least twice as fast as one, in the same run.
 */
@Task(id = "read-scale-out", title = "Spread reads over the primary and replicas by capacity", points = 3)
@WithPostgresCluster(replicas = 2)
class ReadScaleOutTest {

    static final int READS = 80;
    static final int SLOTS = 3;
    static final int CLIENTS = 9;
    static final int READS_PER_CLIENT = 4;
    /**
     * Long enough that the fixed costs of a run (threads waking, connections, commits) stay small
     * beside it on a loaded 2-core machine: at 0.1 s they ate up to a third of the three-server time.
     */
    static final String SLEEP = "0.25";

    @Test
    @DisplayName("every server serves its capacity's share of the reads, counted on the servers")
    void sharesFollowCapacity(PostgresCluster cluster) throws SQLException {
        List<PostgresNode> nodes = cluster.nodes();
        int[] slots = {1, 2, 1};
        List<ScaleNode> scaleNodes = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).statements().reset();
            scaleNodes.add(new ScaleNode(nodes.get(i).name(), nodes.get(i).dataSource(), slots[i]));
        }
        ReadRouter router = new ReadRouter(scaleNodes);

        for (int i = 0; i < READS; i++) {
            router.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT /* share-probe */ pg_is_in_recovery()")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            });
        }

        long[] served = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            served[i] = nodes.get(i).statements().callsContaining("share-probe");
        }
        assertThat(Arrays.stream(served).sum())
                .as("every read reaches a server once (pg_stat_statements on each node): %s", Arrays.toString(served))
                .isEqualTo(READS);
        for (int i = 0; i < nodes.size(); i++) {
            double expected = 100.0 * slots[i] / 4;
            double actual = 100.0 * served[i] / READS;
            assertThat(Math.abs(actual - expected))
                    .as("%s has %d of 4 slots, so it should serve %.0f%% of the reads, but served %.1f%% (%d of %d;"
                                    + " per node %s). Reads only on replicas, only on the primary, or in plain turns"
                                    + " that ignore capacity all miss their share",
                            nodes.get(i).name(), slots[i], expected, actual, served[i], READS, Arrays.toString(served))
                    .isLessThanOrEqualTo(10.0);
        }
    }

    @Test
    @DisplayName("with each server capped, three servers finish latency-bound reads at least twice as fast as one")
    void threeServersBeatOne(PostgresCluster cluster) throws Exception {
        List<ScaleNode> one = List.of(new ScaleNode("primary", cluster.primary().dataSource(), SLOTS));
        List<ScaleNode> three = cluster.nodes().stream()
                .map(n -> new ScaleNode(n.name(), n.dataSource(), SLOTS)).toList();
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();

        List<Long> oneNanos = new ArrayList<>();
        List<Long> threeNanos = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            run(new ReadRouter(one), clients, inFlight, peak); // warm-up: connections and plans
            run(new ReadRouter(three), clients, inFlight, peak);
            peak.clear();
            for (int round = 0; round < 3; round++) {
                oneNanos.add(run(new ReadRouter(one), clients, inFlight, peak));
                threeNanos.add(run(new ReadRouter(three), clients, inFlight, peak));
            }
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).as("the test's clients stop").isTrue();
        }

        peak.forEach((url, max) -> assertThat(max.get())
                .as("at most %d queries may run at once on a server (its slots), but %s ran %d", SLOTS, url, max.get())
                .isLessThanOrEqualTo(SLOTS));
        assertThat(peak).as("all three servers served reads in the three-server runs: %s", peak.keySet()).hasSize(3);
        double ratio = (double) median(oneNanos) / median(threeNanos);
        assertThat(ratio)
                .as("%d clients x %d reads of pg_sleep(%s), %d slots per server: one server took %s ms, three took %s ms"
                                + " (medians of alternating runs); three servers with three times the slots must be at least"
                                + " 2x faster, but the ratio is %.2f", CLIENTS, READS_PER_CLIENT, SLEEP, SLOTS,
                        millis(oneNanos), millis(threeNanos), ratio)
                .isGreaterThanOrEqualTo(2.0);
    }

    private static long run(ReadRouter router, ExecutorService clients, Map<String, AtomicInteger> inFlight,
                            Map<String, AtomicInteger> peak) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            done.add(clients.submit(() -> {
                start.await();
                for (int r = 0; r < READS_PER_CLIENT; r++) {
                    router.read(c -> sleepOnServer(c, inFlight, peak));
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        return System.nanoTime() - t0;
    }

    private static Void sleepOnServer(Connection c, Map<String, AtomicInteger> inFlight, Map<String, AtomicInteger> peak)
            throws SQLException {
        String server = c.getMetaData().getURL();
        int now = inFlight.computeIfAbsent(server, k -> new AtomicInteger()).incrementAndGet();
        peak.computeIfAbsent(server, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT /* scale-out-sleep */ pg_sleep(" + SLEEP + ")");
        } finally {
            inFlight.get(server).decrementAndGet();
        }
        return null;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static List<Long> millis(List<Long> nanos) {
        return nanos.stream().map(n -> n / 1_000_000).toList();
    }
}
