package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@WithPostgresCluster(replicas = 2, synchronousStandbys = 1, reset = Reset.BEFORE_EACH_TEST)
@ExtendWith(TestThreads.Extension.class)
class SynchronousStandbyTest {

    @Test
    @DisplayName("replica1 is a synchronous standby, replica2 an asynchronous one")
    void syncStates(PostgresCluster cluster) {
        assertThat(cluster.primary().queryValue(
                "SELECT string_agg(application_name || ':' || sync_state, ',' ORDER BY application_name) FROM pg_stat_replication",
                String.class)).isEqualTo("replica1:sync,replica2:async");
    }

    @Test
    @DisplayName("a commit waits while the synchronous standby is frozen, and completes when it thaws")
    void commitWaitsForTheSynchronousStandby(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode primary = cluster.primary();
        primary.execute("CREATE TABLE payment (id int PRIMARY KEY)");
        cluster.replica(1).freeze();

        CompletableFuture<Void> commit = threads.run(() -> {
            try (Connection c = primary.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO payment VALUES (1)");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Waits.until("the commit to wait for the synchronous standby (wait event SyncRep)", Duration.ofSeconds(10),
                () -> primary.queryValue("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", Long.class),
                waiting -> waiting == 1);
        assertThat(commit).isNotDone();
        assertThat(primary.queryValue("SELECT count(*) FROM payment", Long.class))
                .as("other sessions must not see a commit that waits for its standby").isZero();

        cluster.replica(1).thaw();
        commit.get(10, TimeUnit.SECONDS);
        assertThat(primary.queryValue("SELECT count(*) FROM payment", Long.class)).isEqualTo(1);
    }
}
