package dev.dbkata.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dbkata.testkit.Lsn;
import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task metrics-endpoint: Prometheus metrics over HTTP with Micrometer, each value checked against
 * the server's own views at the moment of the scrape.
 *
 * <p>Counters only grow, so a value scraped between two readings of the view must lie between
 * them: the tests read the view just before and just after each scrape and accept nothing outside.
 * Replication lag is made for real by pausing the replica's replay while the primary writes.
 * Transactions per second use the endpoint's clock, which the test steps.
 *
 * <p>Rejects:
 * <ul>
 *   <li>metrics computed once at start-up (or cached): lag, transactions and dead tuples change
 *       after the endpoint starts, and the scrape must show it;</li>
 *   <li>metrics that disagree with the views: lag from the received position
 *       ({@code pg_last_wal_receive_lsn()}: a paused replica has received everything), lag seconds
 *       from {@code pg_stat_replication.replay_lag} (it goes NULL or stays put while replay is
 *       paused), a hit ratio of hits over reads, live tuples reported as dead;</li>
 *   <li>the endpoint's own queries taken from the application pool (the pool's metrics would count them);</li>
 *   <li>an HTTP server left running after {@code close()}.</li>
 * </ul>
 */
@Task(id = "metrics-endpoint", title = "Export metrics to Prometheus", points = 4)
@WithPostgresCluster(replicas = 1, reset = Reset.BEFORE_EACH_TEST)
class MetricsEndpointTest {

    private static final Duration CATCH_UP = Duration.ofSeconds(15);

    private final StepClock clock = new StepClock();

    @Test
    @DisplayName("GET /metrics answers in Prometheus text format with every metric; close() stops the server")
    void servesEveryMetricOverHttp(PostgresCluster cluster) throws IOException {
        cluster.primary().execute("CREATE TABLE ledger (id int)");
        URI uri;
        try (MetricsEndpoint endpoint = new MetricsEndpoint(Scrape.settings(cluster, clock))) {
            uri = endpoint.uri();
            assertThat(uri.getPath()).as("the endpoint's path").isEqualTo("/metrics");
            Scrape scrape = Scrape.of(uri);
            for (String name : List.of(MetricNames.UP, MetricNames.TRANSACTIONS_TOTAL, MetricNames.TRANSACTIONS_PER_SECOND,
                    MetricNames.CACHE_HIT_RATIO, MetricNames.POOL_ACTIVE, MetricNames.POOL_IDLE, MetricNames.POOL_PENDING,
                    MetricNames.POOL_MAX)) {
                assertThat(scrape.samples).as("a sample named %s in:%n%s", name, scrape.text)
                        .anyMatch(s -> s.name().equals(name));
            }
            assertThat(scrape.value(MetricNames.UP)).as(MetricNames.UP).isEqualTo(1.0);
            assertThat(scrape.value(MetricNames.REPLICATION_LAG_BYTES, Map.of(MetricNames.REPLICA, "replica1")))
                    .as("lag of the streaming replica1, in bytes").isGreaterThanOrEqualTo(0);
            assertThat(scrape.value(MetricNames.TABLE_DEAD_TUPLES, Map.of(MetricNames.SCHEMA, "public",
                    MetricNames.TABLE, "ledger"))).as("dead tuples of the new, empty table ledger").isEqualTo(0.0);
            assertThat(scrape.value(MetricNames.POOL_MAX, Map.of(MetricNames.POOL, Scrape.POOL_NAME)))
                    .as("HikariCP's maximum pool size, labelled pool=\"%s\"", Scrape.POOL_NAME).isEqualTo(Scrape.POOL_SIZE);
        }
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
        http.setConnectTimeout(2_000);
        try {
            int status = http.getResponseCode();
            throw new AssertionError("after close() the endpoint still answered " + uri + " with HTTP " + status
                    + ": stop the HTTP server (and its threads)");
        } catch (ConnectException expected) {
            // Nothing listens any more.
        } finally {
            http.disconnect();
        }
    }

    @Test
    @DisplayName("pool metrics are HikariCP's and match the sessions the server sees from the pool")
    void poolMetricsMatchTheServer(PostgresCluster cluster) throws Exception {
        try (MetricsEndpoint endpoint = new MetricsEndpoint(Scrape.settings(cluster, clock))) {
            List<Connection> borrowed = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    borrowed.add(endpoint.pool().getConnection());
                }
                Map<String, String> pool = Map.of(MetricNames.POOL, Scrape.POOL_NAME);
                // HikariCP refreshes the figures behind its gauges at most once a second.
                Scrape scrape = Waits.until("HikariCP's gauges to show the 3 borrowed connections", CATCH_UP,
                        () -> Scrape.of(endpoint.uri()), s -> s.value(MetricNames.POOL_ACTIVE, pool) == 3.0);
                long serverSessions = cluster.primary().queryValue("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE application_name = ?", Long.class, Scrape.POOL_NAME);

                assertThat(scrape.value(MetricNames.POOL_ACTIVE, pool)).as("connections in use: the test holds 3;"
                        + " the endpoint's own queries must not borrow from the application pool").isEqualTo(3.0);
                assertThat(scrape.value(MetricNames.POOL_ACTIVE, pool) + scrape.value(MetricNames.POOL_IDLE, pool))
                        .as("active + idle connections of the pool = sessions the server sees with"
                                + " application_name '%s'", Scrape.POOL_NAME).isEqualTo((double) serverSessions);
            } finally {
                for (Connection c : borrowed) {
                    c.close();
                }
            }
        }
    }

    @Test
    @DisplayName("lag in bytes and seconds rises while the replica's replay is paused, and returns to 0 after")
    void lagRisesWhileReplayIsPausedAndFalls(PostgresCluster cluster) throws SQLException, IOException {
        PostgresNode primary = cluster.primary();
        PostgresNode replica = cluster.replica(1);
        Map<String, String> replica1 = Map.of(MetricNames.REPLICA, "replica1");
        primary.execute("CREATE TABLE filler (id int, payload text) WITH (autovacuum_enabled = off)");
        cluster.awaitReplicasCaughtUp();
        try (MetricsEndpoint endpoint = new MetricsEndpoint(Scrape.settings(cluster, clock))) {
            Scrape.of(endpoint.uri());   // an endpoint that computes once would do it here

            replica.pauseReplay();
            primary.execute("INSERT INTO filler SELECT g, repeat('w', 300) FROM generate_series(1, 3000) g");
            Lsn written = primary.walPosition();
            Waits.until("replica1 to receive (not replay) the primary's WAL up to " + written, CATCH_UP,
                    replica::receivedPosition, received -> received.isAtLeast(written));

            long bytesBefore = primary.walPosition().bytesAfter(replica.walPosition());
            double secondsBefore = serverLagSeconds(replica);
            Scrape paused = Scrape.of(endpoint.uri());
            long bytesAfter = primary.walPosition().bytesAfter(replica.walPosition());
            double secondsAfter = serverLagSeconds(replica);

            assertThat(paused.value(MetricNames.REPLICATION_LAG_BYTES, replica1))
                    .as("replica1's lag in bytes while its replay is paused: the primary's pg_current_wal_lsn() minus"
                            + " the replica's pg_last_wal_replay_lsn() was %d just before the scrape and %d just after."
                            + " Read it at every scrape, from the replay position (the received one shows no lag)",
                            bytesBefore, bytesAfter)
                    .isBetween((double) bytesBefore, (double) bytesAfter).isGreaterThan(500_000.0);
            assertThat(paused.value(MetricNames.REPLICATION_LAG_SECONDS, replica1))
                    .as("replica1's lag in seconds: now() - pg_last_xact_replay_timestamp() on the replica (it has"
                            + " WAL it has not replayed) was %.3f s just before and %.3f s just after the scrape;"
                            + " pg_stat_replication.replay_lag does not see a paused replay", secondsBefore, secondsAfter)
                    .isBetween(secondsBefore - 0.001, secondsAfter + 0.001).isGreaterThan(0.0);

            Waits.until("the server's lag in seconds to grow past the last scrape's", CATCH_UP,
                    () -> serverLagSeconds(replica) > secondsAfter + 0.05);
            Scrape later = Scrape.of(endpoint.uri());
            assertThat(later.value(MetricNames.REPLICATION_LAG_SECONDS, replica1))
                    .as("lag in seconds keeps rising while replay stays paused").isGreaterThan(secondsAfter);

            replica.resumeReplay();
            Waits.until("the scraped lag of replica1 to return to 0 bytes and 0 seconds once replay resumes",
                    CATCH_UP, () -> Scrape.of(endpoint.uri()),
                    s -> s.value(MetricNames.REPLICATION_LAG_BYTES, replica1) == 0
                            && s.value(MetricNames.REPLICATION_LAG_SECONDS, replica1) == 0);
        }
    }

    @Test
    @DisplayName("transactions, TPS and the cache hit ratio agree with pg_stat_database at each scrape")
    void transactionsAndCacheHitRatioMatchTheView(PostgresCluster cluster) throws SQLException, IOException {
        PostgresNode primary = cluster.primary();
        try (MetricsEndpoint endpoint = new MetricsEndpoint(Scrape.settings(cluster, clock))) {
            long[] before0 = databaseCounters(primary);
            Scrape first = Scrape.of(endpoint.uri());
            long[] after0 = databaseCounters(primary);
            assertThat(first.value(MetricNames.TRANSACTIONS_TOTAL)).as("%s: xact_commit + xact_rollback of"
                    + " pg_stat_database, %d just before the scrape and %d just after", MetricNames.TRANSACTIONS_TOTAL,
                    before0[0], after0[0]).isBetween((double) before0[0], (double) after0[0]);

            // 200 transactions, in a session that ends (a session's statistics reach the view when it does).
            try (Connection c = primary.connect(); Statement s = c.createStatement()) {
                for (int i = 0; i < 200; i++) {
                    s.execute("SELECT " + i);
                }
            }
            Waits.until("pg_stat_database to count the 200 transactions of the closed session", CATCH_UP,
                    () -> databaseCounters(primary)[0] >= after0[0] + 200);
            clock.advance(Duration.ofSeconds(10));

            long[] before1 = databaseCounters(primary);
            Scrape second = Scrape.of(endpoint.uri());
            long[] after1 = databaseCounters(primary);
            assertThat(second.value(MetricNames.TRANSACTIONS_TOTAL)).as("%s at the second scrape, between %d and %d:"
                    + " read at every scrape, not once", MetricNames.TRANSACTIONS_TOTAL, before1[0], after1[0])
                    .isBetween((double) before1[0], (double) after1[0]);
            assertThat(second.value(MetricNames.TRANSACTIONS_PER_SECOND))
                    .as("transactions per second over the 10 s the endpoint's clock moved between the scrapes:"
                            + " (transactions now - at the last scrape) / seconds between them")
                    .isBetween((before1[0] - after0[0]) / 10.0, (after1[0] - before0[0]) / 10.0)
                    .isGreaterThanOrEqualTo(20.0);
            double lowest = (double) before1[1] / (before1[1] + after1[2]);
            double highest = (double) after1[1] / (after1[1] + before1[2]);
            assertThat(second.value(MetricNames.CACHE_HIT_RATIO))
                    .as("the cache hit ratio is blks_hit / (blks_hit + blks_read); with the counters read around the"
                            + " scrape it lies between %.6f and %.6f", lowest, highest)
                    .isBetween(lowest - 1e-9, highest + 1e-9);
        }
    }

    @Test
    @DisplayName("dead and live tuples per table are pg_stat_user_tables' figures at scrape time")
    void deadTuplesPerTable(PostgresCluster cluster) throws SQLException, IOException {
        PostgresNode primary = cluster.primary();
        Ledger.create(primary, 1000);
        Map<String, String> ledger = Map.of(MetricNames.SCHEMA, "public", MetricNames.TABLE, "ledger");
        try (MetricsEndpoint endpoint = new MetricsEndpoint(Scrape.settings(cluster, clock))) {
            Scrape.of(endpoint.uri());

            Ledger.delete(primary, "id <= 400", 400);

            Scrape scrape = Scrape.of(endpoint.uri());
            assertThat(scrape.value(MetricNames.TABLE_DEAD_TUPLES, ledger)).as("%s{table=\"ledger\"}: n_dead_tup after"
                    + " the delete of 400 rows, read at this scrape", MetricNames.TABLE_DEAD_TUPLES).isEqualTo(400.0);
            assertThat(scrape.value(MetricNames.TABLE_LIVE_TUPLES, ledger)).as("%s{table=\"ledger\"}: n_live_tup",
                    MetricNames.TABLE_LIVE_TUPLES).isEqualTo(600.0);
        }
    }

    /** The server's own lag in seconds on the replica, by the rule the endpoint documents. */
    private static double serverLagSeconds(PostgresNode replica) {
        return replica.queryValue("SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                + " ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8", Double.class);
    }

    /** {transactions, blks_hit, blks_read} of the database, from pg_stat_database. */
    private static long[] databaseCounters(PostgresNode node) throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT xact_commit + xact_rollback, blks_hit, blks_read"
                     + " FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }
}
