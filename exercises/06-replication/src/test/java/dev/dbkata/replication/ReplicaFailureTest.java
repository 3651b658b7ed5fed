package dev.dbkata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.ServingNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/*
 * Task replica-failure: a crashed or frozen replica leaves the rotation within a bounded time,
 * reads keep succeeding on another node, writes are never retried, and the replica rejoins once
 * it answers again.
 *
 * A frozen server (every process suspended) accepts TCP connections and then never answers, as
 * in a network partition: only connect and socket timeouts get a client out.
 *
 * Rejects:
 * - a read that hangs on a frozen replica (no connect, login or socket timeout);
 * - a read that fails when its replica is down instead of retrying on another node;
 * - a read retried (or a replica taken out of the rotation) because the work's own SQL failed:
 *   a division by zero fails on every node alike;
 * - a router that keeps trying the dead replica on every other read (no rotation);
 * - a read path that skips a dead replica without marking it down, leaving that to the periodic
 *   lag check: with a long lag-check interval every read that comes to it pays the timeout again;
 * - a replica that never rejoins once it answers again;
 * - a retry loop that also retries writes: a write whose commit went unanswered may have
 *   committed, and running it again would apply it twice;
 * - reads that fail when every replica is down, instead of going to the primary.
 */
@Task(id = "replica-failure", title = "Survive a failed replica", points = 4)
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
class ReplicaFailureTest {

    /** Short timeouts so a test sees a frozen node fail fast; a long quarantine so it stays out. */
    private static final RouterSettings SETTINGS = RouterSettings.defaults()
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
            .withRetryDownAfter(Duration.ofSeconds(60));
    /** A read that meets a frozen replica waits out its timeouts once, then succeeds elsewhere. */
    private static final Duration ONE_READ_BOUND = Duration.ofSeconds(4);

    @BeforeEach
    void createCatalogue(PostgresCluster cluster) {
        Catalogue.create(cluster);
    }

    @Test
    @DisplayName("a crashed replica leaves the rotation and every read still succeeds on the other one")
    void crashedReplicaLeavesTheRotation(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS);
        assertBothReplicasInRotation(router, cluster);

        cluster.replica(1).crash();
        List<ServingNode> served = survivingReads(ONE_READ_BOUND.multipliedBy(2), () -> nodes.read(router, 10));

        assertThat(served).as("with replica1 crashed, every read should be retried on replica2; they ran on: %s",
                nodes.describe(served)).allMatch(s -> s.port() == cluster.replica(2).port());
        assertThat(router.replicasInRotation()).as("replicas in rotation after replica1 refused connections")
                .extracting(DatabaseNode::name).containsExactly("replica2");
    }

    @Test
    @DisplayName("a frozen replica costs one bounded wait, then leaves the rotation")
    void frozenReplicaCostsOneBoundedWait(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        // The lag check runs once a minute here, so it cannot take replica1 out for the read path:
        // the read that meets the frozen replica has to do it.
        ReplicaRouter router = nodes.router(SETTINGS.withLagCheckInterval(Duration.ofSeconds(60)));
        assertBothReplicasInRotation(router, cluster);
        // Reads before the fault: a router that measures lag on first use has done so now, and
        // will not measure again during this test.
        nodes.read(router, 2);

        cluster.replica(1).freeze();
        List<ServingNode> firstReads = survivingReads(ONE_READ_BOUND, () -> nodes.read(router, 2));
        Instant start = Instant.now();
        // Bounded generously, so that a router paying the timeout on every other read fails on the
        // assertion below, which says why, rather than on this bound.
        List<ServingNode> laterReads = survivingReads(ONE_READ_BOUND.multipliedBy(3), () -> nodes.read(router, 10));
        Duration laterTook = Duration.between(start, Instant.now());

        assertThat(firstReads).as("reads around the freeze succeed on replica2: %s", nodes.describe(firstReads))
                .allMatch(s -> s.port() == cluster.replica(2).port());
        assertThat(laterReads).as("later reads: %s", nodes.describe(laterReads))
                .allMatch(s -> s.port() == cluster.replica(2).port());
        assertThat(laterTook).as("once replica1 has failed, reads must not wait for it again: the read that met it"
                + " takes it out of the rotation (skipping it for that read only, and leaving the marking to the"
                + " periodic lag check, makes every read that comes to it pay the timeout again; the lag check"
                + " runs once a minute here), but 10 reads took %s", laterTook).isLessThan(Duration.ofSeconds(3));
        assertThat(router.replicasInRotation()).extracting(DatabaseNode::name).containsExactly("replica2");
    }

    @Test
    @DisplayName("a read whose replica freezes half-way is run again on another node")
    void readIsRetriedWhenItsReplicaFreezesMidway(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS);
        assertBothReplicasInRotation(router, cluster);
        AtomicInteger attempts = new AtomicInteger();
        int[] frozenPort = {-1};

        ServingNode answer = survivingReads(ONE_READ_BOUND, () -> router.read(c -> {
            ServingNode here = ServingNode.of(c);
            if (attempts.incrementAndGet() == 1) {
                assertThat(here.isReplica()).as("a read's first attempt should run on a replica, not the %s", here).isTrue();
                frozenPort[0] = here.port();
                nodes.at(here.port()).freeze();
                ServingNode.of(c);   // the server is frozen: no answer comes back
            }
            return here;
        }));

        assertThat(attempts.get()).as("the read should be run again after its server stopped answering").isEqualTo(2);
        assertThat(answer.port()).as("the retried read must run on another node than the frozen %s",
                nodes.at(frozenPort[0]).name()).isNotEqualTo(frozenPort[0]);
    }

    @Test
    @DisplayName("an error in the read's own SQL reaches the caller at once and costs no replica its place")
    void errorsOfTheWorkAreNotRetried(PostgresCluster cluster) {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(SETTINGS);
        assertBothReplicasInRotation(router, cluster);
        AtomicInteger attempts = new AtomicInteger();

        assertThat(catchThrowable(() -> router.read(c -> {
            attempts.incrementAndGet();
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1 / 0");
            }
            return null;
        }))).as("the work's own SQL error must reach the caller").isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                        .as("the work's own error (division_by_zero, 22012) must reach the caller, not: %s", e.getMessage())
                        .isEqualTo("22012"));

        assertThat(attempts.get()).as("the read ran %d times: an error about the work itself would fail on every"
                + " node, so only connection failures (SQLSTATE class 08, 57P01-57P03) call for another node",
                attempts.get()).isEqualTo(1);
        assertThat(router.replicasInRotation()).as("a replica that answered with an error about the work is healthy"
                + " and stays in the rotation").extracting(DatabaseNode::name)
                .containsExactlyElementsOf(cluster.replicas().stream().map(PostgresNode::name).toList());
    }

    @Test
    @DisplayName("a write whose connection breaks is not run again, on any node")
    void writesAreNeverRetried(PostgresCluster cluster) {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(SETTINGS);
        assertBothReplicasInRotation(router, cluster);
        PostgresNode primary = cluster.primary();
        AtomicInteger attempts = new AtomicInteger();

        assertThat(catchThrowable(() -> router.write(c -> {
            Catalogue.insert(c, attempts.incrementAndGet(), "ordered once");
            int pid = backendPid(c);
            // The server ends this session before the commit: the client sees a broken connection.
            primary.execute("SELECT pg_terminate_backend(" + pid + ", 5000)");
            return null;
        }))).as("a write whose connection broke must fail to the caller").isInstanceOf(SQLException.class);

        assertThat(attempts.get()).as("the write's work ran %d times: the router cannot know whether a broken write"
                + " committed, so it must never run it again", attempts.get()).isEqualTo(1);
        assertThat(Catalogue.count(primary))
                .as("the session ended before its commit, so nothing was written").isZero();
    }

    @Test
    @DisplayName("a write whose commit goes unanswered fails within the socket timeout")
    void unansweredCommitFailsInBoundedTime(PostgresCluster cluster) {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(SETTINGS);
        assertBothReplicasInRotation(router, cluster);
        PostgresNode primary = cluster.primary();
        AtomicInteger attempts = new AtomicInteger();

        try {
            assertThat(catchThrowable(() -> bounded(ONE_READ_BOUND, () -> router.write(c -> {
                Catalogue.insert(c, attempts.incrementAndGet(), "ordered once");
                primary.freeze();   // the commit that follows gets no answer
                return null;
            })))).as("a write whose commit times out must fail to the caller").isInstanceOf(SQLException.class);
        } finally {
            primary.thaw();
        }
        assertThat(attempts.get()).as("times the write's work ran").isEqualTo(1);
    }

    @Test
    @DisplayName("a replica that answers again rejoins the rotation")
    void recoveredReplicaRejoins(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS.withRetryDownAfter(Duration.ofMillis(300)));
        assertBothReplicasInRotation(router, cluster);
        PostgresNode replica1 = cluster.replica(1);

        replica1.freeze();
        List<ServingNode> whileFrozen = survivingReads(ONE_READ_BOUND, () -> nodes.read(router, 2));
        assertThat(whileFrozen).as("reads while replica1 is frozen: %s", nodes.describe(whileFrozen))
                .allMatch(s -> s.port() == cluster.replica(2).port());
        replica1.thaw();

        Waits.until("reads to reach replica1 again after it thawed (it is tried again after 300 ms)",
                Duration.ofSeconds(10), () -> nodes.read(router, 4), served -> nodes.countOn(served, replica1) > 0);
        assertThat(router.replicasInRotation()).extracting(DatabaseNode::name).containsExactly("replica1", "replica2");
    }

    @Test
    @DisplayName("when every replica is down, reads go to the primary")
    void readsFallBackToThePrimary(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS);
        assertBothReplicasInRotation(router, cluster);

        cluster.replicas().forEach(PostgresNode::crash);
        List<ServingNode> served = survivingReads(ONE_READ_BOUND, () -> nodes.read(router, 4));

        assertThat(served).as("with both replicas crashed, reads should go to the primary; they ran on: %s",
                nodes.describe(served)).allMatch(s -> s.port() == cluster.primary().port());
        assertThat(router.replicasInRotation()).as("replicas in rotation").isEmpty();
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void assertBothReplicasInRotation(ReplicaRouter router, PostgresCluster cluster) {
        assertThat(router.replicasInRotation()).as("before any fault, every replica is in the rotation")
                .extracting(DatabaseNode::name)
                .containsExactlyElementsOf(cluster.replicas().stream().map(PostgresNode::name).toList());
    }

    /**
     * Reads that must succeed although a replica failed, within {@code bound}: an exception means
     * the router gave up instead of running the read on another node.
     */
    private static <T> T survivingReads(Duration bound, ThrowingSupplier<T> reads) {
        return bounded(bound, () -> {
            try {
                return reads.get();
            } catch (SQLException e) {
                throw new AssertionError("a read whose replica failed must run again on another node (or the"
                        + " primary), but it failed with: " + e.getMessage(), e);
            }
        });
    }

    /** Fails the test, instead of hanging it, when the router waits on a frozen node without a timeout. */
    private static <T> T bounded(Duration bound, ThrowingSupplier<T> action) {
        return TimeBound.within(bound, "a frozen server never answers, so connections need connect, login and socket"
                + " timeouts", action);
    }
}
