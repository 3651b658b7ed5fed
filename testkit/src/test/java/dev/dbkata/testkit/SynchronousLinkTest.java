package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A synchronous commit waits for its standby's link: by priority ({@code FIRST}) for one named
 * standby, by quorum ({@code ANY}) for any of them.
 */
class SynchronousLinkTest {

    private final ExecutorService commits = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "synchronous-link-commit");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stopCommits() throws InterruptedException {
        commits.shutdownNow();
        commits.awaitTermination(10, TimeUnit.SECONDS);
    }

    private Future<?> insertAsync(PostgresNode primary, int id) {
        return commits.submit(() -> {
            try (Connection c = primary.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO payment VALUES (" + id + ")");
            }
            return null;
        });
    }

    private static void awaitWaitingForStandby(PostgresNode primary) {
        Waits.until("the commit to wait for a synchronous standby (wait event SyncRep)", Duration.ofSeconds(10),
                () -> primary.queryValue("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", Long.class),
                waiting -> waiting == 1);
    }

    @Nested
    @WithPostgresCluster(replicas = 2, synchronousStandbys = 1, reset = Reset.BEFORE_EACH_TEST)
    class ByPriority {

        @Test
        @DisplayName("FIRST 1: a commit blocks while replica1's link is black-holed and completes after heal()")
        void commitBlocksOnABlackholedStandby(PostgresCluster cluster) throws Exception {
            PostgresNode primary = cluster.primary();
            assertThat(primary.queryValue("SHOW synchronous_standby_names", String.class)).isEqualTo("FIRST 1 (replica1)");
            primary.execute("CREATE TABLE payment (id int PRIMARY KEY)");
            cluster.replica(1).replicationLink().blackhole();

            Future<?> commit = insertAsync(primary, 1);
            awaitWaitingForStandby(primary);
            assertThat(commit).isNotDone();
            assertThat(primary.queryValue("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'replica1'",
                    Long.class)).as("a black hole drops no connection: the primary still lists its standby").isEqualTo(1);

            cluster.replica(1).replicationLink().heal();
            commit.get(10, TimeUnit.SECONDS);
            assertThat(primary.queryValue("SELECT count(*) FROM payment", Long.class)).isEqualTo(1);
        }
    }

    @Nested
    @WithPostgresCluster(replicas = 2, synchronousStandbys = 1, syncMethod = SyncMethod.ANY, reset = Reset.BEFORE_EACH_TEST)
    class ByQuorum {

        @Test
        @DisplayName("ANY 1: a commit goes on while one standby is partitioned, and waits once both are")
        void anyOneStandbySuffices(PostgresCluster cluster) throws Exception {
            PostgresNode primary = cluster.primary();
            assertThat(primary.queryValue("SHOW synchronous_standby_names", String.class))
                    .isEqualTo("ANY 1 (replica1, replica2)");
            assertThat(primary.queryValue("SELECT string_agg(sync_state, ',') FROM pg_stat_replication", String.class))
                    .isEqualTo("quorum,quorum");
            primary.execute("CREATE TABLE payment (id int PRIMARY KEY)");

            cluster.partition(cluster.replica(1));
            insertAsync(primary, 1).get(10, TimeUnit.SECONDS);

            cluster.partition(cluster.replica(2));
            Future<?> blocked = insertAsync(primary, 2);
            awaitWaitingForStandby(primary);
            assertThat(blocked).isNotDone();

            cluster.replica(2).replicationLink().heal();
            blocked.get(10, TimeUnit.SECONDS);
            assertThat(primary.queryValue("SELECT count(*) FROM payment", Long.class)).isEqualTo(2);
        }
    }
}
