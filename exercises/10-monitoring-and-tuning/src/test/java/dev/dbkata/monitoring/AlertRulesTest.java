package dev.dbkata.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task alert-rules: alerting rules with a {@code for} duration over the endpoint's scraped series,
 * evaluated one scrape at a time.
 *
 * <p>The test drives the evaluator: it moves the clock by one scrape interval (15 s) and calls
 * {@code tick()}, which scrapes the real endpoint over HTTP. With {@code for: 30s} a condition
 * must hold at three scrapes in a row (0 s, 15 s, 30 s) before the alert fires. The conditions are
 * real: paused replay for lag, connections held from the pool, deleted rows for bloat.
 *
 * <p>Rejects:
 * <ul>
 *   <li>an alert that fires on one sample (the {@code for} duration ignored);</li>
 *   <li>a pending alert that survives a scrape where the condition did not hold (a spike, a dip, a spike
 *       again is not "for 30 s");</li>
 *   <li>a {@code for} duration counted in scrapes instead of by the clock (three scrapes 5 s apart
 *       have held for 10 s, not 30 s);</li>
 *   <li>firing again at every scrape instead of once;</li>
 *   <li>an alert that never resolves once the condition is gone;</li>
 *   <li>a saturation rule that compares with &gt; instead of ≥ (9 of 10 is 90%).</li>
 * </ul>
 */
@Task(id = "alert-rules", title = "Alert rules with a for duration", points = 4)
@WithPostgresCluster(replicas = 1, reset = Reset.BEFORE_EACH_TEST)
class AlertRulesTest {

    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(15);
    private static final Duration FAST_SCRAPES = Duration.ofSeconds(5);
    private static final Duration FOR = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(15);

    static final List<AlertRule> RULES = List.of(
            AlertRule.above("ReplicationLagHigh", MetricNames.REPLICATION_LAG_BYTES, 1_000_000, FOR),
            AlertRule.ratioAtLeast("PoolSaturated", MetricNames.POOL_ACTIVE, MetricNames.POOL_MAX, 0.9, FOR),
            AlertRule.ratioAtLeast("TableBloat", MetricNames.TABLE_DEAD_TUPLES, MetricNames.TABLE_LIVE_TUPLES, 0.5, FOR));

    private static final Map<String, String> REPLICA1 = Map.of(MetricNames.REPLICA, "replica1");

    private final StepClock clock = new StepClock();
    private final AtomicReference<MetricsEndpoint> running = new AtomicReference<>();

    @Test
    @DisplayName("two rules with one name are refused")
    void ruleNamesAreUnique() {
        AlertRule lag = RULES.get(0);
        assertThatThrownBy(() -> new AlertEvaluator(List.of(lag, lag), () -> "", clock))
                .as("alerts are known by their rule's name: two rules may not share one")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("lag above the bound at three scrapes fires once, and resolves after the replica catches up")
    @SuppressWarnings("try") // the endpoint serves the scrapes while the body runs; it is reached over HTTP only
    void lagFiresOnceAfterThreeScrapesAndResolves(PostgresCluster cluster) throws IOException {
        AlertEvaluator alerts = evaluator();
        try (MetricsEndpoint endpoint = start(cluster)) {
            assertThat(tick(alerts)).as("nothing is wrong yet").isEmpty();

            makeLag(cluster);
            assertThat(tick(alerts)).as("first scrape with the lag above 1 MB: the alert is only pending (for: 30s)")
                    .isEmpty();
            assertThat(tick(alerts)).as("second scrape, 15 s later: still pending").isEmpty();
            assertThat(tick(alerts)).as("third scrape, 30 s after the first: the lag has held for 30 s, so"
                    + " ReplicationLagHigh{replica=\"replica1\"} fires, once")
                    .containsExactly(event("ReplicationLagHigh", REPLICA1, AlertEvent.State.FIRING));
            assertThat(tick(alerts)).as("fourth scrape: it keeps firing, and a notifier hears nothing new").isEmpty();
            assertThat(alerts.firing()).as("alerts firing while the lag lasts")
                    .extracting(AlertEvent::rule, AlertEvent::labels).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("ReplicationLagHigh", REPLICA1));

            cluster.replica(1).resumeReplay();
            cluster.awaitReplicasCaughtUp();
            assertThat(tick(alerts)).as("the first scrape after replica1 caught up resolves the alert")
                    .containsExactly(event("ReplicationLagHigh", REPLICA1, AlertEvent.State.RESOLVED));
            assertThat(alerts.firing()).as("alerts firing once the lag is gone").isEmpty();
            assertThat(tick(alerts)).as("and it stays resolved").isEmpty();
        }
    }

    @Test
    @DisplayName("a single spike, or two spikes with a dip between them, fires nothing")
    @SuppressWarnings("try") // the endpoint serves the scrapes while the body runs; it is reached over HTTP only
    void aSpikeFiresNothing(PostgresCluster cluster) throws IOException {
        AlertEvaluator alerts = evaluator();
        try (MetricsEndpoint endpoint = start(cluster)) {
            List<AlertEvent> events = new ArrayList<>();

            makeLag(cluster);
            events.addAll(tick(alerts));
            events.addAll(tick(alerts));
            cluster.replica(1).resumeReplay();
            cluster.awaitReplicasCaughtUp();
            events.addAll(tick(alerts));
            makeLag(cluster);
            events.addAll(tick(alerts));
            events.addAll(tick(alerts));
            assertThat(events).as("lag held at two scrapes, dipped at the third, held at two more: it never held"
                    + " for 30 s, so nothing may fire (the dip resets the pending alert)").isEmpty();
            cluster.replica(1).resumeReplay();
            cluster.awaitReplicasCaughtUp();
            assertThat(tick(alerts)).as("and nothing resolves that never fired").isEmpty();
        }
    }

    @Test
    @DisplayName("a pool at 90% of its connections or more fires; at 80% it does not; released, it resolves")
    void poolSaturation(PostgresCluster cluster) throws IOException, SQLException {
        Map<String, String> pool = Map.of(MetricNames.POOL, Scrape.POOL_NAME);
        AlertEvaluator alerts = evaluator();
        try (MetricsEndpoint endpoint = start(cluster)) {
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    held.add(endpoint.pool().getConnection());
                }
                awaitPoolActive(endpoint, 8);
                List<AlertEvent> atEighty = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    atEighty.addAll(tick(alerts));
                }
                assertThat(atEighty).as("8 of 10 connections in use (80%) for four scrapes: below 90%").isEmpty();

                held.add(endpoint.pool().getConnection());
                awaitPoolActive(endpoint, 9);
                assertThat(tick(alerts)).as("9 of 10 in use (90%): pending").isEmpty();
                assertThat(tick(alerts)).as("still pending").isEmpty();
                assertThat(tick(alerts)).as("9 of 10 for 30 s: PoolSaturated fires (active / max ≥ 0.9)")
                        .containsExactly(event("PoolSaturated", pool, AlertEvent.State.FIRING));
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
            awaitPoolActive(endpoint, 0);
            assertThat(tick(alerts)).as("the connections are back in the pool: resolved")
                    .containsExactly(event("PoolSaturated", pool, AlertEvent.State.RESOLVED));
        }
    }

    @Test
    @DisplayName("bloat above the ratio after a mass delete fires, and VACUUM resolves it")
    @SuppressWarnings("try") // the endpoint serves the scrapes while the body runs; it is reached over HTTP only
    void bloatFiresAndVacuumResolvesIt(PostgresCluster cluster) throws IOException, SQLException {
        PostgresNode primary = cluster.primary();
        Ledger.create(primary, 2000);
        Map<String, String> ledger = Map.of(MetricNames.SCHEMA, "public", MetricNames.TABLE, "ledger");
        AlertEvaluator alerts = evaluator();
        try (MetricsEndpoint endpoint = start(cluster)) {
            assertThat(tick(alerts)).as("a fresh table has no dead tuples").isEmpty();

            Ledger.delete(primary, "id % 2 = 0", 1000);
            // Scrapes come faster here (every 5 s): the for duration is time on the clock, not a number of scrapes.
            assertThat(tick(alerts, FAST_SCRAPES)).as("1,000 dead for 1,000 live tuples: pending").isEmpty();
            assertThat(tick(alerts, FAST_SCRAPES)).as("5 s later: still pending").isEmpty();
            assertThat(tick(alerts, FAST_SCRAPES)).as("a third scrape in a row, but only 10 s after the first: for: 30s"
                    + " is 30 s by the clock, not three scrapes, so TableBloat is still pending").isEmpty();
            assertThat(tick(alerts, Duration.ofSeconds(20))).as("dead / live ≥ 0.5 for 30 s by the clock: TableBloat"
                    + " fires for public.ledger").containsExactly(event("TableBloat", ledger, AlertEvent.State.FIRING));

            primary.execute("VACUUM ledger");
            Ledger.awaitDeadTuples(primary, 0);
            assertThat(tick(alerts)).as("after VACUUM ledger has no dead tuples: resolved")
                    .containsExactly(event("TableBloat", ledger, AlertEvent.State.RESOLVED));
        }
    }

    /** An evaluator that scrapes the endpoint the test starts next, over HTTP. */
    private AlertEvaluator evaluator() {
        return new AlertEvaluator(RULES, () -> Scrape.get(running.get().uri()), clock);
    }

    private MetricsEndpoint start(PostgresCluster cluster) throws IOException {
        MetricsEndpoint started = new MetricsEndpoint(Scrape.settings(cluster, clock));
        running.set(started);
        return started;
    }

    /** One scrape interval later, one evaluation; the events as (rule, labels, state). */
    private List<AlertEvent> tick(AlertEvaluator alerts) throws IOException {
        return tick(alerts, SCRAPE_INTERVAL);
    }

    /** {@code step} later, one evaluation; the events as (rule, labels, state). */
    private List<AlertEvent> tick(AlertEvaluator alerts, Duration step) throws IOException {
        clock.advance(step);
        return alerts.tick().stream().map(e -> event(e.rule(), e.labels(), e.state())).toList();
    }

    /** An event reduced to what the tests compare; time and value are checked elsewhere. */
    private AlertEvent event(String rule, Map<String, String> labels, AlertEvent.State state) {
        return new AlertEvent(rule, labels, state, java.time.Instant.EPOCH, 0);
    }

    /** Pauses replica1's replay and writes about 2 MB of WAL on the primary: lag well above 1 MB. */
    private static void makeLag(PostgresCluster cluster) {
        PostgresNode primary = cluster.primary();
        primary.execute("CREATE TABLE IF NOT EXISTS filler (id int, payload text) WITH (autovacuum_enabled = off)");
        cluster.awaitReplicasCaughtUp();
        cluster.replica(1).pauseReplay();
        primary.execute("INSERT INTO filler SELECT g, repeat('w', 300) FROM generate_series(1, 5000) g");
        long lag = primary.walPosition().bytesAfter(cluster.replica(1).walPosition());
        assertThat(lag).as("WAL bytes replica1 has not replayed").isGreaterThan(1_500_000);
    }

    /** Holds {@code count} connections of the application pool, once HikariCP's gauges show them. */
    private static void awaitPoolActive(MetricsEndpoint endpoint, int count) {
        Map<String, String> pool = Map.of(MetricNames.POOL, Scrape.POOL_NAME);
        // HikariCP refreshes the figures behind its gauges at most once a second.
        Waits.until("HikariCP's gauges to show " + count + " connections in use", CATCH_UP,
                () -> Scrape.of(endpoint.uri()).value(MetricNames.POOL_ACTIVE, pool), active -> active == count);
    }
}
