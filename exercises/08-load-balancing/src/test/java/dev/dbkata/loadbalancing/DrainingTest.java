package dev.dbkata.loadbalancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Task draining: take a server out for maintenance without failing a request. drain() stops new
 * requests to it at once and returns when the ones it runs have finished; undrain() puts it back.
 *
 * Rejects:
 * - a drain that returns at once, while requests still run on the server (maintenance then kills them);
 * - a drain that ends the server's requests instead of letting them finish;
 * - a draining server that still gets new requests;
 * - a drained server that never comes back after undrain();
 * - any failed request during a drain, crash-restart and undrain of a replica under steady load
 *   (the requests are not idempotent, so a retry cannot hide a dropped one).
 */
@Task(id = "draining", title = "Drain a server for maintenance", points = 3)
@WithPostgresCluster(replicas = 3)
@ExtendWith(TestThreads.Extension.class)
class DrainingTest {

    @BeforeEach
    void resetCounts(PostgresCluster cluster) {
        new Replicas(cluster).resetCounts();
    }

    @Test
    @DisplayName("drain() sends nothing new to the server and returns once its running requests have finished")
    void drainWaitsForRunningRequests(PostgresCluster cluster, TestThreads threads) throws Exception {
        Replicas replicas = new Replicas(cluster);
        LoadBalancer balancer = new LoadBalancer(replicas.servers(), new RoundRobin(), Health.everyServerUp(),
                Replicas.PATIENT);
        balancer.undrain("replica1");   // a server that is not draining: nothing to do
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<List<Integer>>> held = new ArrayList<>();
        CompletableFuture<Void> drained;
        AtomicInteger early = new AtomicInteger();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(threads.supply(() -> {
                    try {
                        return balancer.execute(c -> {
                            int first = Replicas.askPort(c);
                            LeastOutstandingTest.await(release);
                            return List.of(first, Replicas.askPort(c));
                        }, Idempotence.NOT_IDEMPOTENT);
                    } catch (SQLException e) {
                        throw new IllegalStateException("a request running on a draining server failed: "
                                + e.getMessage(), e);
                    }
                }));
                int started = i + 1;
                Waits.until("held request " + started + " to reach its server", Duration.ofSeconds(10),
                        () -> replicas.requestsSeen().values().stream().mapToLong(Long::longValue).sum() == started);
            }
            assertThat(replicas.requestsSeen().values()).as("one held request runs on each replica").containsOnly(1L);

            drained = threads.run(() -> {
                try {
                    balancer.drain("replica1", Duration.ofSeconds(20));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // drain() runs on another thread: wait until it has begun (three requests in a row avoid replica1).
            Waits.until("replica1 to stop taking new requests once drain(replica1) is called", Duration.ofSeconds(5),
                    () -> {
                        List<String> three = new ArrayList<>();
                        for (int i = 0; i < 3; i++) {
                            three.add(replicas.nameOf(balancer.execute(Replicas.ASK_PORT, Idempotence.NOT_IDEMPOTENT)));
                        }
                        early.addAndGet((int) three.stream().filter("replica1"::equals).count());
                        return !three.contains("replica1");
                    });
            List<String> next = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                next.add(replicas.nameOf(balancer.execute(Replicas.ASK_PORT, Idempotence.NOT_IDEMPOTENT)));
            }
            assertThat(next).as("replica1 is draining: new requests must go to the other replicas").doesNotContain("replica1");
            assertThat(drained).as("drain(replica1) returned while a request was still running on replica1: it must"
                    + " wait for it, or maintenance would cut it off").isNotDone();
            assertThat(balancer.outstanding("replica1")).as("the held request still runs on replica1").isEqualTo(1);
        } finally {
            release.countDown();
        }

        for (CompletableFuture<List<Integer>> request : held) {
            List<Integer> ports = request.get(10, TimeUnit.SECONDS);
            assertThat(ports.get(1)).as("a running request finishes where it started").isEqualTo(ports.get(0));
        }
        drained.get(5, TimeUnit.SECONDS);
        assertThat(replicas.requestsSeen().get("replica1")).as("replica1 ran both statements of its held request"
                + " (the second after the drain began) and nothing new (%d request(s) reached it before the drain"
                + " began)", early.get()).isEqualTo(2 + early.get());
    }

    @Test
    @DisplayName("no request fails while a replica is drained, crashed, restarted and put back under steady load")
    void drainAndRestartWithoutFailedRequests(PostgresCluster cluster, TestThreads threads) throws Exception {
        Replicas replicas = new Replicas(cluster);
        PostgresNode replica2 = replicas.replica(2);
        LoadBalancer balancer = new LoadBalancer(replicas.servers(), new RoundRobin(), Health.everyServerUp(),
                Replicas.PATIENT);
        balancer.undrain("replica2");   // a server that is not draining: nothing to do
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                clients.add(threads.run(() -> {
                    while (!stop.get()) {
                        try {
                            balancer.execute(Replicas.ASK_PORT, Idempotence.NOT_IDEMPOTENT);
                            done.incrementAndGet();
                        } catch (SQLException e) {
                            failures.add(e.getSQLState() + " " + e.getMessage());
                        }
                    }
                }));
            }
            Waits.until("the steady load to reach replica2", Duration.ofSeconds(10),
                    () -> replicas.requestsSeen().get("replica2") >= 5);

            balancer.drain("replica2", Duration.ofSeconds(10));
            replica2.crash();   // maintenance: nothing may be running on it by now
            replica2.restart();
            replica2.statements().reset();   // from here on, count only what replica2 runs after undrain()
            int before = done.get();
            balancer.undrain("replica2");

            Waits.until("replica2 to take requests again after undrain()", Duration.ofSeconds(10),
                    () -> replicas.requestsSeen().get("replica2") >= 5);
            Waits.until("the load to go on", Duration.ofSeconds(10), () -> done.get() > before + 20);
        } finally {
            stop.set(true);
        }
        for (CompletableFuture<Void> client : clients) {
            client.get(20, TimeUnit.SECONDS);
        }
        Map<String, Long> seen = replicas.requestsSeen();
        assertThat(failures).as("requests that failed while replica2 was drained, restarted and put back (the"
                + " replicas ran %s): a drain must let running requests finish and send no new ones",
                Replicas.describe(seen)).isEmpty();
    }
}
