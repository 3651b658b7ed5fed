package dev.dbkata.loadbalancing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task health-checks: active checks stepped by the test (one tick() = one round), each bounded by
 * a timeout; passive ejection from failed requests; one retry of an idempotent request on another
 * server, none for the rest.
 *
 * A black-holed link accepts the TCP connection and then moves no byte, as a hung server or a lost
 * network path does: only a login or socket timeout (or a bound on the check itself) gets the
 * checker out.
 *
 * Rejects:
 * - checks without a timeout: a black-holed server hangs tick() for ever; a timeout for the whole
 *   round instead of each check (the black-holed server first in line fails the checks after it); a
 *   round bounded but checks left stuck on the black-holed server, one thread more each round;
 * - ejection on one failed check (a blip is not an outage), or on failed requests that were not in a
 *   row (a request answered in between resets the count);
 * - readmission on one good check, or on good checks that were not in a row: a server that fails
 *   every other check must stay out;
 * - a failed request that is not retried, retried on the same server, or retried more than once;
 * - retrying a request that is not idempotent;
 * - retrying, or ejecting a server, because the work's own SQL failed.
 */
@Task(id = "health-checks", title = "Health checks and outlier ejection", points = 4)
@WithPostgresCluster(replicas = 3)
class HealthChecksTest {

    /** One check may take 1 s; a tick checks every server at once, so it ends well within this. */
    private static final Duration TICK_BOUND = Duration.ofSeconds(6);
    private static final BalancerSettings SETTINGS = BalancerSettings.defaults().withThresholds(2, 3);

    @BeforeEach
    void resetCounts(PostgresCluster cluster) {
        new Replicas(cluster).resetCounts();
    }

    @Test
    @DisplayName("a crashed replica stays in after one failed check and is out after the second")
    void crashedReplicaIsOutAfterTwoChecks(PostgresCluster cluster) throws Exception {
        Replicas replicas = new Replicas(cluster);
        List<Server> servers = replicas.servers();
        try (HealthChecker checker = new HealthChecker(servers, SETTINGS)) {
            tick(checker);
            assertThat(checker.available()).as("every replica answers its check").hasSize(3);

            replicas.replica(2).crash();
            tick(checker);
            assertThat(names(checker.available())).as("one failed check is not enough to eject replica2 (it may be"
                    + " a blip); the threshold is two in a row").contains("replica2");
            tick(checker);
            assertThat(names(checker.available())).as("after two failed checks in a row replica2 is out")
                    .containsExactly("replica1", "replica3");

            LoadBalancer balancer = new LoadBalancer(servers, new RoundRobin(), checker, SETTINGS);
            for (int i = 0; i < 6; i++) {
                balancer.execute(Replicas.ASK_PORT, Idempotence.NOT_IDEMPOTENT);
            }
            Map<String, Long> seen = replicas.requestsSeen();
            assertThat(seen.get("replica1") + seen.get("replica3")).as("requests go to the replicas still in: %s",
                    Replicas.describe(seen)).isEqualTo(6);
        }
    }

    @Test
    @DisplayName("a single failed check between good ones ejects nothing")
    void blipDoesNotEject(PostgresCluster cluster) {
        Replicas replicas = new Replicas(cluster);
        PostgresNode replica2 = replicas.replica(2);
        try (HealthChecker checker = new HealthChecker(replicas.servers(), SETTINGS)) {
            for (int round = 0; round < 3; round++) {
                replica2.link().cut();
                tick(checker);
                replica2.link().heal();
                tick(checker);
                assertThat(names(checker.available())).as("replica2 failed one check, then passed one (round %d):"
                        + " failures that are not in a row must not eject it", round + 1).contains("replica2");
            }
        }
    }

    @Test
    @DisplayName("a black-holed replica cannot hang the checker, fail the others' checks, or leave checks behind")
    void blackholedReplicaIsOutWithinTheTimeout(PostgresCluster cluster) {
        Replicas replicas = new Replicas(cluster);
        java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
        try (HealthChecker checker = new HealthChecker(replicas.servers(), SETTINGS)) {
            tick(checker);
            replicas.replica(1).link().blackhole();
            tick(checker);
            tick(checker);
            assertThat(names(checker.available())).as("replica1 accepts connections and never answers: two checks"
                    + " that time out eject it, and only it. Each check has its own timeout: a black-holed server"
                    + " first in line must not use up the time of the checks after it").containsExactly("replica2",
                    "replica3");
        }
        Waits.until("the checks of the closed checker to end (threads started since it was created, still alive)",
                Duration.ofSeconds(10), () -> TcpBalancerTest.newThreads(before), List::isEmpty);
    }

    @Test
    @DisplayName("a recovered replica comes back after three good checks in a row, not one")
    void recoveredReplicaNeedsThreeGoodChecks(PostgresCluster cluster) {
        Replicas replicas = new Replicas(cluster);
        PostgresNode replica1 = replicas.replica(1);
        try (HealthChecker checker = new HealthChecker(replicas.servers(), SETTINGS)) {
            replica1.link().cut();
            tick(checker);
            tick(checker);
            assertThat(names(checker.available())).as("two failed checks eject replica1").doesNotContain("replica1");
            replica1.link().heal();

            tick(checker);
            assertThat(names(checker.available())).as("one good check must not bring replica1 back (it needs 3 in"
                    + " a row)").doesNotContain("replica1");
            tick(checker);
            assertThat(names(checker.available())).as("two good checks must not bring replica1 back (it needs 3 in"
                    + " a row)").doesNotContain("replica1");
            tick(checker);
            assertThat(names(checker.available())).as("after three good checks in a row replica1 is back")
                    .contains("replica1");
        }
    }

    @Test
    @DisplayName("a replica that alternates good and failed checks stays out")
    void flappingReplicaStaysOut(PostgresCluster cluster) {
        Replicas replicas = new Replicas(cluster);
        PostgresNode replica1 = replicas.replica(1);
        try (HealthChecker checker = new HealthChecker(replicas.servers(), SETTINGS)) {
            replica1.link().cut();
            tick(checker);
            tick(checker);
            for (int i = 0; i < 4; i++) {
                replica1.link().heal();
                tick(checker);
                replica1.link().cut();
                tick(checker);
                assertThat(names(checker.available())).as("replica1 passed %d check(s) and failed as many, never"
                        + " three good ones in a row: a flapping server must stay out", i + 1, i + 1)
                        .doesNotContain("replica1");
            }
        }
    }

    @Test
    @DisplayName("failed requests that are not in a row eject nothing: a request answered in between resets the count")
    void requestFailuresNotInARowDoNotEject(PostgresCluster cluster) {
        Replicas replicas = new Replicas(cluster);
        List<Server> servers = replicas.servers();
        PostgresNode replica2 = replicas.replica(2);
        try (HealthChecker checker = new HealthChecker(servers, SETTINGS)) {
            LoadBalancer balancer = new LoadBalancer(servers, new RoundRobin(), checker, SETTINGS);
            List<String> outcomes = new ArrayList<>();
            for (int round = 1; round <= 3; round++) {
                replica2.link().cut();
                for (int i = 0; i < 3; i++) {   // replica1, replica2 (refused), replica3
                    outcomes.add(outcome(replicas, balancer));
                }
                replica2.link().heal();
                for (int i = 0; i < 3; i++) {   // replica1, replica2 (answers), replica3
                    outcomes.add(outcome(replicas, balancer));
                }
                assertThat(names(checker.available())).as("round %d: replica2 failed one request, then answered the"
                        + " next one sent to it; failures that are not in a row must not eject it (a request that"
                        + " succeeds resets the count). Requests so far: %s", round, outcomes).contains("replica2");
            }
        }
    }

    private static String outcome(Replicas replicas, LoadBalancer balancer) {
        try {
            return replicas.nameOf(balancer.execute(Replicas.ASK_PORT, Idempotence.NOT_IDEMPOTENT));
        } catch (SQLException e) {
            return "failed " + e.getSQLState();
        }
    }

    @Test
    @DisplayName("requests that cannot reach a crashed replica are retried once elsewhere, and eject it")
    void failedRequestsAreRetriedAndEject(PostgresCluster cluster) throws Exception {
        Replicas replicas = new Replicas(cluster);
        List<Server> servers = replicas.servers();
        try (HealthChecker checker = new HealthChecker(servers, SETTINGS)) {
            LoadBalancer balancer = new LoadBalancer(servers, new RoundRobin(), checker, SETTINGS);
            replicas.replica(2).crash();

            List<Integer> answeredBy = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                try {
                    answeredBy.add(balancer.execute(Replicas.ASK_PORT, Idempotence.IDEMPOTENT));
                } catch (SQLException e) {
                    throw new AssertionError("an idempotent read whose server is down must run again on another"
                            + " server, but request " + (i + 1) + " failed: " + e.getMessage(), e);
                }
            }

            assertThat(replicas.namesOf(answeredBy)).as("replica2 is down: its requests ran elsewhere")
                    .doesNotContain("replica2");
            assertThat(names(checker.available())).as("two requests in a row could not reach replica2: passive"
                    + " checks eject it without waiting for a tick").containsExactly("replica1", "replica3");
        }
    }

    @Test
    @DisplayName("an idempotent request whose connection breaks runs once more, on another server")
    void brokenIdempotentRequestRunsOnceMoreElsewhere(PostgresCluster cluster) throws Exception {
        Replicas replicas = new Replicas(cluster);
        List<Server> servers = replicas.servers();
        HealthChecker checker = new HealthChecker(servers, SETTINGS);
        LoadBalancer balancer = new LoadBalancer(servers, new RoundRobin(), checker, SETTINGS);
        List<Integer> ports = new ArrayList<>();

        int answer = balancer.execute(c -> {
            int port = Replicas.askPort(c);
            ports.add(port);
            if (ports.size() == 1) {
                terminateOwnSession(replicas, c, port);
            }
            return port;
        }, Idempotence.IDEMPOTENT);

        assertThat(ports).as("the request lost its connection on its first server: it should run twice in all,"
                + " on two servers; it ran on %s", replicas.namesOf(ports)).hasSize(2).doesNotHaveDuplicates();
        assertThat(answer).isEqualTo(ports.get(1));
        checker.close();
    }

    @Test
    @DisplayName("a request that is not idempotent never runs twice")
    void notIdempotentRequestIsNotRetried(PostgresCluster cluster) {
        Replicas replicas = new Replicas(cluster);
        List<Server> servers = replicas.servers();
        HealthChecker checker = new HealthChecker(servers, SETTINGS);
        LoadBalancer balancer = new LoadBalancer(servers, new RoundRobin(), checker, SETTINGS);
        AtomicInteger runs = new AtomicInteger();

        Throwable failure = catchThrowable(() -> balancer.execute(c -> {
            runs.incrementAndGet();
            terminateOwnSession(replicas, c, Replicas.askPort(c));
            return null;
        }, Idempotence.NOT_IDEMPOTENT));

        assertThat(failure).as("a request that is not idempotent and lost its connection fails to the caller")
                .isInstanceOf(SQLException.class);
        assertThat(runs.get()).as("it may already have done its effect: the balancer must not run it again, but it"
                + " ran %d times", runs.get()).isEqualTo(1);
        assertThat(replicas.requestsSeen().values().stream().mapToLong(Long::longValue).sum())
                .as("statements the replicas ran for it: %s", replicas.requestsSeen()).isEqualTo(1);
        checker.close();
    }

    @Test
    @DisplayName("an error in the work's own SQL is not retried and ejects nobody")
    void errorsOfTheWorkAreNotRetried(PostgresCluster cluster) {
        Replicas replicas = new Replicas(cluster);
        List<Server> servers = replicas.servers();
        try (HealthChecker checker = new HealthChecker(servers, SETTINGS)) {
            LoadBalancer balancer = new LoadBalancer(servers, new RoundRobin(), checker, SETTINGS);
            AtomicInteger runs = new AtomicInteger();
            for (int i = 0; i < 4; i++) {
                Throwable failure = catchThrowable(() -> balancer.execute(c -> {
                    runs.incrementAndGet();
                    try (var s = c.createStatement()) {
                        s.execute("SELECT 1 / 0");
                    }
                    return null;
                }, Idempotence.IDEMPOTENT));
                assertThat(failure).as("the work's own error (22012) reaches the caller").isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22012");
            }
            assertThat(runs.get()).as("a division by zero fails on every server alike: 4 requests, 4 runs").isEqualTo(4);
            assertThat(checker.available()).as("servers that answered with an error are healthy").hasSize(3);
        }
    }

    private static void terminateOwnSession(Replicas replicas, java.sql.Connection c, int port) throws SQLException {
        int pid;
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        PostgresNode node = replicas.all().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
        node.execute("SELECT pg_terminate_backend(" + pid + ", 5000)");
        // The server ended this session: the next statement finds the connection broken.
        try (var s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    private static void tick(HealthChecker checker) {
        TimeBound.within(TICK_BOUND, "one round of checks must end within its timeout (1 s per check, all servers"
                + " at once), even when a server accepts connections and never answers", checker::tick);
    }

    private static List<String> names(List<Server> servers) {
        return servers.stream().map(Server::name).toList();
    }
}
