package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Replicas stream through links: a partition separates a replica from its primary, not from its clients. */
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
class ReplicationLinkTest {

    private static long countThroughLink(PostgresNode node, String table) throws SQLException {
        try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean listedByPrimary(PostgresCluster cluster, PostgresNode replica) {
        return cluster.primary().queryValue("SELECT count(*) FROM pg_stat_replication WHERE application_name = ?",
                Long.class, replica.name()) > 0;
    }

    @Test
    @DisplayName("replicas stream through their replication links")
    void replicasStreamThroughLinks(PostgresCluster cluster) {
        for (PostgresNode replica : cluster.replicas()) {
            assertThat(replica.queryValue("SELECT sender_port FROM pg_stat_wal_receiver", Integer.class))
                    .isEqualTo(replica.replicationLink().port());
            assertThat(replica.replicationLink().connections()).isEqualTo(1);
            assertThat(replica.replicationLink().toString()).contains(replica.name() + " → primary");
        }
        assertThatThrownBy(() -> cluster.primary().replicationLink())
                .hasMessageContaining("needs a streaming replica");
    }

    @Test
    @DisplayName("a partitioned replica stops replaying while clients still read it, and catches up within a second of heal()")
    void partitionedReplicaFallsBehindAndCatchesUp(PostgresCluster cluster) throws SQLException {
        PostgresNode primary = cluster.primary();
        PostgresNode replica = cluster.replica(1);
        primary.execute("CREATE TABLE reading (id int PRIMARY KEY)");
        cluster.awaitReplicasCaughtUp();

        cluster.partition(replica);
        Waits.until("the primary to see " + replica.name() + " gone", Duration.ofSeconds(10),
                () -> !listedByPrimary(cluster, replica));
        Lsn before = replica.walPosition();
        primary.execute("INSERT INTO reading SELECT generate_series(1, 100)");
        Lsn written = primary.walPosition();
        Waits.until("replica2, not partitioned, to replay the insert", Duration.ofSeconds(10),
                () -> cluster.replica(2).walPosition().isAtLeast(written));

        assertThat(replica.walPosition()).as("the partitioned replica replays nothing new").isEqualTo(before);
        assertThat(countThroughLink(replica, "reading")).as("its clients still read it: the old data").isZero();
        assertThat(replica.isInRecovery()).isTrue();

        replica.replicationLink().heal();
        long healed = System.nanoTime();
        Waits.until(replica.name() + " to replay " + written + " after heal()", Duration.ofSeconds(10),
                () -> replica.walPosition().isAtLeast(written));
        assertThat(Duration.ofNanos(System.nanoTime() - healed)).as("catching up after heal()")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(countThroughLink(replica, "reading")).isEqualTo(100);
    }

    @Test
    @DisplayName("an isolated primary is out of reach of clients and replicas; the cluster heals")
    void isolatedPrimary(PostgresCluster cluster) throws SQLException {
        PostgresNode primary = cluster.primary();
        cluster.isolate(primary);

        assertThatThrownBy(() -> primary.connect().close()).as("clients are refused").isInstanceOf(SQLException.class);
        for (PostgresNode replica : cluster.replicas()) {
            assertThat(replica.replicationLink().mode()).isEqualTo(dev.dbkata.testkit.network.Link.Mode.CUT);
            assertThat(countThroughLink(replica, "pg_class")).as(replica.name() + " still serves its clients").isPositive();
        }
        Waits.until("the primary to see no replica", Duration.ofSeconds(10),
                () -> primary.queryValue("SELECT count(*) FROM pg_stat_replication", Long.class) == 0);

        assertThat(cluster.heal()).isTrue();
        assertThat(cluster.nodes()).allMatch(node -> node.link().isHealthy());
        assertThat(cluster.replicas()).allMatch(replica -> replica.replicationLink().isHealthy());
        assertThat(primary.queryValue("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", Long.class))
                .isEqualTo(2);
    }

    @Test
    @DisplayName("partition() and isolate() refuse what they cannot do")
    void badArguments(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.partition(cluster.primary()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use isolate()");
    }
}
