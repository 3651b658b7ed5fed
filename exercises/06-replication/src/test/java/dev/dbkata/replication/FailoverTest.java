package dev.dbkata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.Level;
import dev.dbkata.testkit.Lsn;
import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.ServingNode;
import dev.dbkata.testkit.SyncMethod;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/*
 * Task failover: when the primary is gone, promote the most advanced replica, send writes to it
 * and fence the old primary; no acknowledged write is lost.
 *
 * Topology: replica1 is a synchronous standby (synchronous_standby_names = 'FIRST 1 (replica1)') and
 * the primary commits with synchronous_commit = remote_apply, so a write is acknowledged only once
 * replica1 shows it. replica2 is asynchronous. The router is told the primary's setting, and lists
 * replica2 FIRST; each test that writes before the crash cuts replica2 off from the primary first,
 * so the first replica in the list is the least advanced one. (With the primary frozen and no
 * writes, both replicas are level and either may be promoted.) The nested Quorum class runs on a
 * cluster of its own, with 'ANY 1 (replica1, replica2)'.
 *
 * Rejects:
 * - promoting the first replica in the list instead of the most advanced one (writes are lost);
 * - promoting the asynchronous replica when the synchronous standby does not answer (it may lack
 *   acknowledged writes: refuse instead);
 * - with ANY k of N synchronous standbys, promoting the most advanced of fewer than N - k + 1 that
 *   answered (the one that has the last acknowledged writes may be among the silent ones);
 * - promoting while the primary still answers (two primaries at once);
 * - a check whether the primary answers that has no timeouts, and hangs on a frozen primary;
 * - returning from failover() before the promoted replica takes writes (pg_promote(false) only
 *   asks; the replica first replays the WAL it holds, several MB in the promotion test);
 * - writes that still go to the old primary, or that find "the node not in recovery" by asking the
 *   nodes in list order (the restarted old primary answers that it is not in recovery);
 * - reads that reach the old primary once it is back, or a replica that still follows it.
 */
@Task(id = "failover", title = "Fail over to the most advanced replica", level = Level.ADVANCED, points = 5)
@WithPostgresCluster(replicas = 2, synchronousStandbys = 1, settings = "synchronous_commit=remote_apply",
        reset = Reset.BEFORE_EACH_TEST)
class FailoverTest {

    private static final int ACKNOWLEDGED_WRITES = 20;

    @BeforeEach
    void createOrders(PostgresCluster cluster) {
        cluster.primary().execute("CREATE TABLE orders (id int PRIMARY KEY)");
        cluster.awaitReplicasCaughtUp();
    }

    @Test
    @DisplayName("no promotion while the primary still answers")
    void refusesWhileThePrimaryAnswers(PostgresCluster cluster) {
        ReplicaRouter router = routerListingReplica2First(cluster);

        assertThat(catchThrowable(router::failover))
                .as("the primary answers, so promoting a replica would make two primaries")
                .isInstanceOf(IllegalStateException.class);

        assertThat(cluster.replicas()).as("replicas still in recovery after the refused failover")
                .allMatch(PostgresNode::isInRecovery);
    }

    @Test
    @DisplayName("a primary that hangs without answering counts as gone: failover does not wait for it")
    void frozenPrimaryDoesNotHoldUpFailover(PostgresCluster cluster) {
        ReplicaRouter router = routerListingReplica2First(cluster);

        cluster.primary().freeze();
        DatabaseNode promoted = TimeBound.within(Duration.ofSeconds(10), "a frozen primary never answers, so the check"
                + " whether it is still there needs the router's connect and socket timeouts, and no answer in time"
                + " means gone", router::failover);

        assertThat(router.primary()).as("the router's primary after failover").isEqualTo(promoted);
        assertThat(cluster.replicas().stream().filter(r -> r.name().equals(promoted.name())).findFirst().orElseThrow()
                .isInRecovery()).as("%s after failover: pg_is_in_recovery(). failover() must return only once the"
                + " promoted replica takes writes: pg_promote(false) only asks; poll pg_is_in_recovery()",
                promoted.name()).isFalse();
    }

    @Test
    @DisplayName("the most advanced replica is promoted and has every acknowledged write")
    void promotesTheMostAdvancedReplica(PostgresCluster cluster) throws SQLException {
        ReplicaRouter router = routerListingReplica2First(cluster);
        PostgresNode replica1 = cluster.replica(1);
        PostgresNode replica2 = cluster.replica(2);
        cutOffFromThePrimary(cluster, replica2);
        List<Integer> acknowledged = writeOrders(cluster);
        leaveWalToReplayAtPromotion(cluster, replica1);
        assertThat(replica2.walPosition()).as("precondition: replica2 is behind replica1")
                .isLessThan(replica1.walPosition());

        cluster.primary().crash();
        DatabaseNode promoted = router.failover();

        assertThat(promoted.name()).as("replica2 is listed first but missed %d writes; replica1 has replayed them"
                + " all and must be the one promoted", ACKNOWLEDGED_WRITES).isEqualTo("replica1");
        assertThat(replica1.isInRecovery()).as("failover() must return only once replica1 takes writes: pg_promote(false)"
                + " only asks, and replica1 first replays the WAL it has received; poll pg_is_in_recovery()").isFalse();
        assertThat(replica2.isInRecovery()).as("replica2 must not be promoted as well").isTrue();
        assertThat(replica1.queryValue("SELECT count(*) FROM orders", Long.class))
                .as("every write acknowledged before the crash must be on the new primary").isEqualTo((long) acknowledged.size());
        assertThat(router.primary()).as("the router's primary after failover").isEqualTo(promoted);

        ServingNode write = router.write(c -> {
            execute(c, "INSERT INTO orders VALUES (1000)");
            return ServingNode.of(c);
        });
        assertThat(write.port()).as("writes after failover go to the promoted replica1, but ran on %s", write)
                .isEqualTo(replica1.port());
    }

    @Test
    @DisplayName("with the synchronous standby silent, failover refuses rather than promote the asynchronous replica")
    void neverPromotesTheAsynchronousReplica(PostgresCluster cluster) throws SQLException {
        ReplicaRouter router = routerListingReplica2First(cluster);
        PostgresNode replica1 = cluster.replica(1);
        PostgresNode replica2 = cluster.replica(2);
        cutOffFromThePrimary(cluster, replica2);
        List<Integer> acknowledged = writeOrders(cluster);
        replica1.freeze();
        cluster.primary().crash();

        Throwable refusal = TimeBound.within(Duration.ofSeconds(15), "a frozen standby never answers: the router's"
                + " timeouts bound the wait for it", () -> catchThrowable(router::failover));

        assertThat(refusal).as("replica1, the only synchronous standby, does not answer, and replica2 is asynchronous:"
                + " it missed the %d acknowledged writes. failover() must refuse (IllegalStateException) rather than"
                + " promote it; it promoted %s", ACKNOWLEDGED_WRITES, router.primary().name())
                .isInstanceOf(IllegalStateException.class);
        assertThat(replica2.isInRecovery()).as("replica2 (asynchronous) must not be promoted").isTrue();

        replica1.thaw();
        DatabaseNode promoted = router.failover();
        assertThat(promoted.name()).as("once replica1 answers again, it is the one to promote").isEqualTo("replica1");
        assertThat(replica1.queryValue("SELECT count(*) FROM orders", Long.class))
                .as("every write acknowledged before the crash is on the new primary").isEqualTo((long) acknowledged.size());
    }

    @Test
    @DisplayName("the old primary, back after the failover, gets no write and no read")
    void fencesTheOldPrimary(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = routerListingReplica2First(cluster);
        PostgresNode oldPrimary = cluster.primary();
        PostgresNode replica1 = cluster.replica(1);
        cutOffFromThePrimary(cluster, cluster.replica(2));
        writeOrders(cluster);

        oldPrimary.crash();
        router.failover();
        oldPrimary.restart();
        standAlone(oldPrimary);

        List<ServingNode> writes = new ArrayList<>();
        List<ServingNode> reads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int id = 2000 + i;
            writes.add(router.write(c -> {
                execute(c, "INSERT INTO orders VALUES (" + id + ")");
                return ServingNode.of(c);
            }));
            reads.add(router.read(ServingNode::of));
        }

        assertThat(writes).as("writes after the old primary came back must still go to replica1 (the elected"
                + " primary); they ran on: %s", nodes.describe(writes)).allMatch(s -> s.port() == replica1.port());
        assertThat(reads).as("reads must never reach the fenced old primary nor a replica that still follows it;"
                + " they ran on: %s", nodes.describe(reads)).allMatch(s -> s.port() == replica1.port());
        assertThat(oldPrimary.queryValue("SELECT count(*) FROM orders WHERE id >= 2000", Long.class))
                .as("rows the fenced old primary took").isZero();
    }

    /**
     * synchronous_standby_names = 'ANY 1 (replica1, replica2)': each commit waits for either standby.
     * With replica2 cut off, replica1 alone confirms the writes; frozen, it hides them from a router
     * that settles for the one standby that answers.
     */
    @Nested
    @WithPostgresCluster(replicas = 2, synchronousStandbys = 1, syncMethod = SyncMethod.ANY,
            settings = "synchronous_commit=remote_apply", reset = Reset.BEFORE_EACH_TEST)
    class Quorum {

        @Test
        @DisplayName("with ANY 1 of 2 synchronous standbys, failover needs both to answer (N - k + 1) before it promotes")
        void needsEnoughSynchronousStandbysToAnswer(PostgresCluster cluster) throws SQLException {
            assertThat(cluster.primary().queryValue("SHOW synchronous_standby_names", String.class))
                    .as("precondition: a quorum of any 1 of the 2 replicas").startsWithIgnoringCase("ANY 1");
            ReplicaRouter router = routerListingReplica2First(cluster);
            PostgresNode replica1 = cluster.replica(1);
            PostgresNode replica2 = cluster.replica(2);
            cutOffFromThePrimary(cluster, replica2);
            List<Integer> acknowledged = writeOrders(cluster);
            replica1.freeze();
            cluster.primary().crash();

            Throwable refusal = TimeBound.within(Duration.ofSeconds(15), "a frozen standby never answers: the"
                    + " router's timeouts bound the wait for it", () -> catchThrowable(router::failover));

            assertThat(refusal).as("each commit waited for any 1 of replica1 and replica2, so an acknowledged write"
                    + " may be on either alone: only replica2 answered, and it missed %d acknowledged writes."
                    + " failover() must hear from N - k + 1 = 2 of them before it promotes, and refuse"
                    + " (IllegalStateException) until then; it promoted %s", ACKNOWLEDGED_WRITES, router.primary().name())
                    .isInstanceOf(IllegalStateException.class);
            assertThat(replica2.isInRecovery()).as("replica2 must not be promoted").isTrue();

            replica1.thaw();
            DatabaseNode promoted = router.failover();
            assertThat(promoted.name()).as("with both answering, the most advanced one is promoted").isEqualTo("replica1");
            assertThat(replica1.queryValue("SELECT count(*) FROM orders", Long.class))
                    .as("every write acknowledged before the crash is on the new primary")
                    .isEqualTo((long) acknowledged.size());
        }
    }

    /**
     * A test that failed before its promotion leaves replica2 cut off; the testkit would wait in
     * vain for it to stream before the next test. Re-attach it (a promoted cluster is replaced
     * anyway).
     */
    @AfterEach
    void reattachReplicas(PostgresCluster cluster) {
        for (PostgresNode replica : cluster.replicas()) {
            if (replica.isRunning() && !replica.isFrozen() && replica.isInRecovery()) {
                replica.execute("ALTER SYSTEM RESET primary_conninfo");
                replica.execute("SELECT pg_reload_conf()");
            }
        }
    }

    /**
     * The old primary is back on its own and would take writes at once: not in recovery, and no
     * longer waiting for its synchronous standby (replica1 follows it no more), which would
     * otherwise hold every commit and hide a router that writes to it.
     */
    private static void standAlone(PostgresNode oldPrimary) {
        oldPrimary.execute("ALTER SYSTEM SET synchronous_standby_names = ''");
        oldPrimary.execute("SELECT pg_reload_conf()");
        Waits.until("the old primary to stop waiting for a synchronous standby", Duration.ofSeconds(10),
                () -> oldPrimary.queryValue("SHOW synchronous_standby_names", String.class), String::isEmpty);
        assertThat(oldPrimary.isInRecovery()).as("precondition: the old primary is back and takes writes of its own")
                .isFalse();
    }

    /**
     * replica2 first: a router that promotes "the first replica" picks the least advanced one. The
     * router is told the primary's synchronous_standby_names, as an operator would configure it.
     */
    private static ReplicaRouter routerListingReplica2First(PostgresCluster cluster) {
        SynchronousStandbys synchronous = SynchronousStandbys.parse(
                cluster.primary().queryValue("SHOW synchronous_standby_names", String.class));
        return new ReplicaRouter(ClusterUnderTest.node(cluster.primary()),
                List.of(ClusterUnderTest.node(cluster.replica(2)), ClusterUnderTest.node(cluster.replica(1))),
                RouterSettings.defaults(), synchronous);
    }

    /**
     * Stops replica2 streaming (no primary_conninfo), so it neither receives nor replays what the
     * primary writes next. The testkit replaces the cluster after a promotion, so nothing to undo.
     */
    private static void cutOffFromThePrimary(PostgresCluster cluster, PostgresNode replica) {
        replica.execute("ALTER SYSTEM SET primary_conninfo = ''");
        replica.execute("SELECT pg_reload_conf()");
        Waits.until(replica.name() + " to stop streaming from the primary", Duration.ofSeconds(10),
                () -> cluster.primary().queryValue("SELECT count(*) FROM pg_stat_replication WHERE application_name = ?",
                        Long.class, replica.name()),
                count -> count == 0);
    }

    /**
     * Gives {@code replica} several MB of received but unreplayed WAL (its replay paused, commits
     * not waiting for it), so that a promotion takes a moment: it replays that WAL before it ends
     * recovery. Pausing does not stop a promotion, which resumes replay.
     */
    private static void leaveWalToReplayAtPromotion(PostgresCluster cluster, PostgresNode replica) throws SQLException {
        replica.pauseReplay();
        try (Connection c = cluster.primary().connect()) {
            execute(c, "SET synchronous_commit = local");
            execute(c, "CREATE TABLE backlog AS SELECT g AS id, repeat('b', 300) AS payload FROM generate_series(1, 25000) g");
        }
        Lsn written = cluster.primary().walPosition();
        Waits.until(replica.name() + " to receive the primary's WAL up to " + written, Duration.ofSeconds(10),
                replica::receivedPosition, received -> received.isAtLeast(written));
    }

    /**
     * Commits orders 1..20 on the primary, one transaction each. With remote_apply each commit
     * returns only once replica1 has applied it: every one is an acknowledged write.
     */
    private static List<Integer> writeOrders(PostgresCluster cluster) throws SQLException {
        List<Integer> acknowledged = new ArrayList<>();
        try (Connection c = cluster.primary().connect()) {
            for (int id = 1; id <= ACKNOWLEDGED_WRITES; id++) {
                execute(c, "INSERT INTO orders VALUES (" + id + ")");
                acknowledged.add(id);
            }
        }
        return acknowledged;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
