package dev.dbkata.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import dev.dbkata.testkit.Lsn;
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

/*
 * Task lag-aware-reads: a replica too far behind the primary takes no reads until it catches up;
 * when every replica lags, reads go to the primary, still read-only.
 *
 * The lag is real and made to order: replay is paused on a replica (pg_wal_replay_pause()) and
 * the primary writes about 2 MB of WAL; resuming replay removes it.
 *
 * Rejects:
 * - a router that measures lag once at start-up (or on first use) and never again;
 * - lag read from the replica's received position (pg_last_wal_receive_lsn()): a paused replica
 *   has received everything and still shows none of it;
 * - a lagging replica that is never let back in once it has caught up;
 * - failing reads when all replicas lag, instead of going to the primary;
 * - a primary fallback that is not read-only (a write slips through read()).
 */
@Task(id = "lag-aware-reads", title = "Skip replicas that lag", points = 3)
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
class LagAwareReadsTest {

    private static final long MAX_LAG = 256 * 1024;
    private static final RouterSettings SETTINGS = RouterSettings.defaults()
            .withMaxLagBytes(MAX_LAG)
            .withLagCheckInterval(Duration.ofMillis(100));
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    @BeforeEach
    void createTables(PostgresCluster cluster) {
        // No autovacuum on the filler: its WAL would make the healthy replica lag for a moment.
        cluster.primary().execute("CREATE TABLE filler (id int, payload text) WITH (autovacuum_enabled = off)");
        Catalogue.create(cluster);
    }

    @Test
    @DisplayName("lag is the bytes of WAL the primary wrote that the replica has not replayed")
    void measuresLagInBytesOfWal(PostgresCluster cluster) throws SQLException {
        PostgresNode primary = cluster.primary();
        PostgresNode paused = cluster.replica(1);
        PostgresNode streaming = cluster.replica(2);
        paused.pauseReplay();
        Lsn before = primary.walPosition();
        writeWal(primary);
        Lsn after = primary.walPosition();
        cluster.awaitReplicasCaughtUp();
        // Only once replica1 has received the WAL does its received position differ from its replayed one.
        Waits.until("replica1 to receive (not replay) the primary's WAL up to " + after, CATCH_UP,
                paused::receivedPosition, received -> received.isAtLeast(after));

        long pausedLag;
        long streamingLag;
        Lsn streamingBefore = streaming.walPosition();
        try (Connection p = primary.connect(); Connection r1 = paused.connect(); Connection r2 = streaming.connect()) {
            pausedLag = ReplicationLag.bytesBehind(p, r1);
            streamingLag = ReplicationLag.bytesBehind(p, r2);
        }
        long mostPossible = primary.walPosition().bytesAfter(paused.walPosition());

        assertThat(pausedLag).as("replica1 paused replay before the primary wrote %d bytes of WAL, so it is at least"
                + " that far behind (its replay position, pg_last_wal_replay_lsn(), is stuck; what it received"
                + " does not count)", after.bytesAfter(before))
                .isBetween(after.bytesAfter(before), mostPossible);
        assertThat(streamingLag).as("replica2 replays as it receives: its lag is at most what the primary wrote since"
                + " replica2 was last seen at %s", streamingBefore)
                .isBetween(0L, primary.walPosition().bytesAfter(streamingBefore));
    }

    @Test
    @DisplayName("a replica that falls behind leaves the rotation, and comes back once it catches up")
    void laggingReplicaLeavesAndRejoins(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS);
        PostgresNode lagging = cluster.replica(1);
        List<ServingNode> beforeLag = nodes.read(router, 4);
        assertThat(nodes.countOn(beforeLag, lagging)).as("before any lag, replica1 takes its share of reads (%s)",
                nodes.describe(beforeLag)).isPositive();

        lagging.pauseReplay();
        writeWal(cluster.primary());

        PostgresNode keepingUp = cluster.replica(2);
        Waits.until("reads to stop reaching replica1, now " + lagBehind(cluster, lagging)
                + " bytes behind (bound " + MAX_LAG + "), and to go to replica2: measure the lag again, not only"
                + " at start-up", CATCH_UP, () -> nodes.read(router, 4),
                served -> served.stream().allMatch(s -> s.port() == keepingUp.port()));
        List<ServingNode> whileLagging = nodes.read(router, 10);
        assertThat(whileLagging).as("while replica1 lags, reads go to replica2, which keeps up; they ran on: %s",
                nodes.describe(whileLagging))
                .allMatch(s -> s.port() == keepingUp.port());

        lagging.resumeReplay();
        Waits.until("reads to reach replica1 again once it has caught up", CATCH_UP,
                () -> nodes.read(router, 4), served -> nodes.countOn(served, lagging) > 0);
    }

    @Test
    @DisplayName("when every replica lags, reads go to the primary, in read-only transactions")
    void allReplicasLagSoReadsGoToThePrimary(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS);
        nodes.read(router, 2);

        cluster.replicas().forEach(PostgresNode::pauseReplay);
        writeWal(cluster.primary());

        Waits.until("reads to go to the primary while both replicas are more than " + MAX_LAG + " bytes behind",
                CATCH_UP, () -> nodes.read(router, 2), served -> served.stream().allMatch(ServingNode::isPrimary));
        List<ServingNode> served = nodes.read(router, 6);
        assertThat(served).as("reads while every replica lags; they ran on: %s", nodes.describe(served))
                .allMatch(s -> s.port() == cluster.primary().port());

        // A read that falls back to the primary is still a read-only transaction.
        Catalogue.assertReadRefusesWrites(router, cluster.primary());
    }

    /** About 2 MB of WAL: far more than the bound, so a paused replica is unmistakably behind. */
    private static void writeWal(PostgresNode primary) {
        primary.execute("INSERT INTO filler SELECT g, repeat('w', 300) FROM generate_series(1, 5000) g");
    }

    private static long lagBehind(PostgresCluster cluster, PostgresNode replica) {
        return cluster.primary().walPosition().bytesAfter(replica.walPosition());
    }
}
