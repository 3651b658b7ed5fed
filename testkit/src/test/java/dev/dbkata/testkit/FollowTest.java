package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** After a failover, a replica re-points at the new primary, unless it already went past the fork. */
@WithPostgresCluster(replicas = 2)
class FollowTest {

    @Test
    @DisplayName("after the primary crashes and the furthest replica is promoted, the other follows it without a restart")
    void followsThePromotedReplica(PostgresCluster cluster) {
        PostgresNode oldPrimary = cluster.primary();
        oldPrimary.execute("CREATE TABLE ledger (id int PRIMARY KEY)");
        cluster.awaitReplicasCaughtUp();
        oldPrimary.crash();

        // Promote whichever replica received more before the crash: the other has nothing the new one lacks.
        for (PostgresNode replica : cluster.replicas()) {
            Waits.until(replica.name() + " to replay all it received", Duration.ofSeconds(10),
                    () -> replica.walPosition().isAtLeast(replica.receivedPosition()));
        }
        PostgresNode replica1 = cluster.replica(1);
        PostgresNode replica2 = cluster.replica(2);
        boolean oneIsFurther = replica1.walPosition().isAtLeast(replica2.walPosition());
        PostgresNode newPrimary = oneIsFurther ? replica1 : replica2;
        PostgresNode follower = oneIsFurther ? replica2 : replica1;
        long startedAt = follower.queryValue("SELECT extract(epoch FROM pg_postmaster_start_time())::bigint", Long.class);
        newPrimary.promote();

        follower.follow(newPrimary);

        assertThat(follower.replicationLink().target().getPort()).isEqualTo(newPrimary.port());
        assertThat(follower.queryValue("SELECT received_tli FROM pg_stat_wal_receiver", Integer.class)).isEqualTo(2);
        newPrimary.execute("INSERT INTO ledger VALUES (1)");
        Waits.until(follower.name() + " to replay a write of the new primary", Duration.ofSeconds(10),
                () -> follower.queryValue("SELECT count(*) FROM ledger", Long.class) == 1);
        assertThat(follower.queryValue("SELECT extract(epoch FROM pg_postmaster_start_time())::bigint", Long.class))
                .as("re-pointed by a reload, not a restart").isEqualTo(startedAt);
    }

    @Test
    @DisplayName("a replica that replayed past the new primary's fork is refused, with the reason")
    void refusesAReplicaPastTheFork(PostgresCluster cluster) {
        PostgresNode primary = cluster.primary();
        PostgresNode lagging = cluster.replica(1);
        PostgresNode ahead = cluster.replica(2);
        primary.execute("CREATE TABLE ledger (id int PRIMARY KEY)");
        cluster.awaitReplicasCaughtUp();

        cluster.partition(lagging);
        primary.execute("INSERT INTO ledger VALUES (1)");
        Lsn written = primary.walPosition();
        Waits.until(ahead.name() + " to replay the write " + lagging.name() + " never got", Duration.ofSeconds(10),
                () -> ahead.walPosition().isAtLeast(written));
        lagging.promote();

        assertThatThrownBy(() -> ahead.follow(lagging))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("past")
                .hasMessageContaining("pg_rewind")
                .hasMessageContaining("fresh cluster");
        assertThat(ahead.isInRecovery()).as("a refused follow() changes nothing").isTrue();
        assertThat(ahead.replicationLink().target().getPort()).isEqualTo(primary.port());
    }

    @Test
    @DisplayName("follow() needs a replica and a primary")
    void badArguments(PostgresCluster cluster) {
        assertThatThrownBy(() -> cluster.primary().follow(cluster.replica(1))).hasMessageContaining("needs a replica");
        assertThatThrownBy(() -> cluster.replica(1).follow(cluster.replica(2))).hasMessageContaining("promote it first");
        assertThatThrownBy(() -> cluster.replica(1).follow(cluster.replica(1))).hasMessageContaining("cannot follow itself");
    }
}
