package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

    private static final Duration REPLICATION = Duration.ofSeconds(10);

    @BeforeEach
    void createTable(PostgresCluster cluster) {
        cluster.primary().execute("CREATE TABLE note (id int PRIMARY KEY, body text)");
    }

    @Test
    @DisplayName("replicas are hot standbys that stream from the primary")
    void replicasStream(PostgresCluster cluster) {
        assertThat(cluster.primary().isInRecovery()).isFalse();
        assertThat(cluster.replicas()).hasSize(2).allSatisfy(replica -> assertThat(replica.isInRecovery()).isTrue());
        assertThat(cluster.primary().queryValue(
                "SELECT string_agg(application_name || ':' || state, ',' ORDER BY application_name) FROM pg_stat_replication",
                String.class)).isEqualTo("replica1:streaming,replica2:streaming");
        assertThat(cluster.nodes()).extracting(PostgresNode::port).doesNotHaveDuplicates();
    }

    @Test
    @Order(3)
    @DisplayName("a learner's own pg_promote() is noticed too: the next test gets a new cluster ...")
    void promotionThroughSql(PostgresCluster cluster) {
        cluster.replica(2).execute("SELECT pg_promote(true, 60)");
    }

    @Test
    @Order(4)
    @DisplayName("... in which replica2 is a replica again")
    void afterSqlPromotion(PostgresCluster cluster) {
        assertThat(cluster.replica(2).isInRecovery()).isTrue();
        assertThat(cluster.primary().isInRecovery()).isFalse();
    }

    @Test
    @DisplayName("a row written on the primary is read on every replica")
    void writesReachReplicas(PostgresCluster cluster) {
        cluster.primary().execute("INSERT INTO note VALUES (1, 'hello')");

        for (PostgresNode replica : cluster.replicas()) {
            Waits.until(replica.name() + " to have note 1", REPLICATION,
                    () -> replica.queryValue("SELECT count(*) FROM note WHERE id = 1", Long.class), n -> n == 1);
        }
    }

    @Test
    @DisplayName("a replica refuses writes")
    void replicasAreReadOnly(PostgresCluster cluster) {
        cluster.awaitReplicasCaughtUp();

        assertThatThrownBy(() -> cluster.replica(1).execute("INSERT INTO note VALUES (2, 'nope')"))
                .hasRootCauseInstanceOf(SQLException.class)
                .hasMessageContaining("read-only transaction");
    }

    @Test
    @DisplayName("with replay paused a replica lags behind by a measurable LSN distance, and catches up on resume")
    void pausedReplayLagsThenCatchesUp(PostgresCluster cluster) {
        PostgresNode replica = cluster.replica(1);
        cluster.awaitReplicasCaughtUp();
        replica.pauseReplay();

        cluster.primary().execute("INSERT INTO note SELECT g, 'x' FROM generate_series(1, 1000) g");
        Lsn written = cluster.primary().walPosition();
        Waits.until("replica1 to receive the new WAL while paused", REPLICATION,
                replica::receivedPosition, received -> received.isAtLeast(written));

        assertThat(replica.queryValue("SELECT count(*) FROM note", Long.class))
                .as("a paused replica must not show rows written after the pause").isZero();
        assertThat(written.bytesAfter(replica.walPosition())).as("replay lag in bytes").isPositive();
        assertThat(cluster.replica(2).isReplayPaused()).isFalse();

        replica.resumeReplay();
        Waits.until("replica1 to replay up to " + written, REPLICATION,
                replica::walPosition, replayed -> replayed.isAtLeast(written));
        assertThat(replica.queryValue("SELECT count(*) FROM note", Long.class)).isEqualTo(1000);
    }

    @Test
    @Order(1)
    @DisplayName("after the primary crashes, the most advanced replica can be promoted and takes writes")
    void promoteAfterPrimaryCrash(PostgresCluster cluster) {
        cluster.primary().execute("INSERT INTO note VALUES (1, 'before the crash')");
        cluster.awaitReplicasCaughtUp();
        PostgresNode oldPrimary = cluster.primary();

        oldPrimary.crash();
        PostgresNode mostAdvanced = cluster.replicas().stream()
                .max(Comparator.comparing(PostgresNode::walPosition)).orElseThrow();
        mostAdvanced.promote();

        assertThat(oldPrimary.isRunning()).isFalse();
        assertThat(mostAdvanced.isInRecovery()).isFalse();
        assertThat(mostAdvanced.role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(cluster.primary()).isSameAs(mostAdvanced);
        mostAdvanced.execute("INSERT INTO note VALUES (2, 'after the failover')");
        assertThat(mostAdvanced.queryValue("SELECT count(*) FROM note", Long.class)).isEqualTo(2);
    }

    @Test
    @Order(2)
    @DisplayName("the test after a failover gets a whole new cluster")
    void everyTestStartsWithAnIntactCluster(PostgresCluster cluster) {
        assertThat(cluster.primary().role()).isEqualTo(NodeRole.PRIMARY);
        assertThat(cluster.primary().isRunning()).isTrue();
        assertThat(cluster.replicas()).hasSize(2).allSatisfy(r -> assertThat(r.isInRecovery()).isTrue());
    }
}
