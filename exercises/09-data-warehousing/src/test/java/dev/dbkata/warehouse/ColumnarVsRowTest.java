package dev.dbkata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task columnar-vs-row: the same aggregate over 1,000,000 sales on PostgreSQL (rows) and on DuckDB
 * (columns, vectorised), timed by your harness: equal answers, and DuckDB at least 3 times faster.
 *
 * <p>The harness is checked first with two scripted engines and a scripted clock, so its honesty is
 * proven exactly, not statistically: it warms each engine up untimed, alternates the engines run by
 * run, times every run with the same clock around the call and nothing else, reports medians of
 * five, and refuses engines that answer differently.
 *
 * <p>Rejects:
 * <ul>
 *   <li>timing one cold run per engine, or counting the warm-up among the samples;</li>
 *   <li>running all of one engine's runs, then all of the other's (a burst of load then hits one
 *       engine only);</li>
 *   <li>means instead of medians (one stalled run moves a mean, not a median);</li>
 *   <li>timing the engines differently (one of them with the other's run inside);</li>
 *   <li>comparing different queries: engines whose answers differ, on any run;</li>
 *   <li>queries that fetch the rows and aggregate in Java, or aggregate something else.</li>
 * </ul>
 */
@Task(id = "columnar-vs-row", title = "Row store vs column store, measured honestly", points = 4)
@WithPostgres
class ColumnarVsRowTest {

    private static final long MS = 1_000_000L;

    @TempDir
    static Path classDir;

    @Test
    @DisplayName("the harness warms up untimed, alternates the engines, times each run the same way and reports medians")
    void harnessIsHonest() {
        AtomicLong clock = new AtomicLong(1_000 * MS);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        // Each engine takes a scripted time per call: the first call is cold and slow.
        Callable<String> row = scripted("rows", clock, calls, "answer", 900, 50, 52, 5000, 51, 49);
        Callable<String> column = scripted("columns", clock, calls, "answer", 700, 10, 10, 11, 9, 10);

        Comparison<String> comparison = new BenchmarkHarness(clock::get).compare("rows", row, "columns", column);

        assertThat(calls)
                .as("the order in which the harness called the engines: one warm-up each, then five timed runs each,"
                        + " alternating run by run so that load on the machine hits both alike")
                .containsExactly("rows", "columns", "rows", "columns", "rows", "columns", "rows", "columns", "rows",
                        "columns", "rows", "columns");
        assertThat(comparison.first().samples())
                .as("the samples of \"rows\" in ms x 1e6: its five timed runs, each exactly the time of its own call"
                        + " (the 900 ms cold first run is a warm-up: never a sample)")
                .containsExactly(50 * MS, 52 * MS, 5000 * MS, 51 * MS, 49 * MS);
        assertThat(comparison.second().samples())
                .as("the samples of \"columns\": five timed runs, the 700 ms cold run excluded, and none including"
                        + " the other engine's time")
                .containsExactly(10 * MS, 10 * MS, 11 * MS, 9 * MS, 10 * MS);
        assertThat(comparison.first().median())
                .as("the median of 50, 52, 5000, 51, 49 ms (a mean would let the one stalled run dominate)")
                .isEqualTo(51 * MS);
        assertThat(comparison.second().median()).as("the median of 10, 10, 11, 9, 10 ms").isEqualTo(10 * MS);
        assertThat(comparison.result()).as("the answer both engines gave").isEqualTo("answer");
        assertThat(comparison.first().engine() + "/" + comparison.second().engine()).isEqualTo("rows/columns");
    }

    @Test
    @DisplayName("the harness refuses engines whose answers differ, on the first run or on any later one")
    void harnessRefusesDifferentAnswers() {
        AtomicLong clock = new AtomicLong();
        Throwable differ = catchThrowable(() -> new BenchmarkHarness(clock::get).compare(
                "rows", scripted("rows", clock, new ArrayList<>(), "42", 1, 1, 1, 1, 1, 1),
                "columns", scripted("columns", clock, new ArrayList<>(), "41", 1, 1, 1, 1, 1, 1)));
        assertThat(differ)
                .as("what compare threw for engines that answer 42 and 41: an IllegalStateException, since timing two"
                        + " different questions proves nothing")
                .isInstanceOf(IllegalStateException.class);

        List<String> answers = List.of("42", "42", "42", "43", "42", "42");
        AtomicLong call = new AtomicLong();
        Callable<String> drifting = () -> answers.get((int) call.getAndIncrement());
        Throwable drift = catchThrowable(() -> new BenchmarkHarness(clock::get).compare(
                "rows", scripted("rows", clock, new ArrayList<>(), "42", 1, 1, 1, 1, 1, 1), "columns", drifting));
        assertThat(drift)
                .as("what compare threw for an engine whose fourth answer differs: an IllegalStateException, since"
                        + " every run's answer must be checked, not just the first")
                .isInstanceOf(IllegalStateException.class);
    }

    /**
     * The same 1,000,000 sales in both engines, made once for the class: a sales row as the app stores
     * it, of which the report needs three columns.
     */
    @BeforeAll
    static void bigSales(PostgresNode node) throws Exception {
        node.execute("DROP TABLE IF EXISTS big_sales;"
                + " CREATE UNLOGGED TABLE big_sales (id bigint, customer_id bigint, channel text, product_id bigint,"
                + " quantity integer, unit_price numeric(12,2), discount numeric(12,2), tax numeric(12,2),"
                + " amount numeric(12,2), sold_at timestamp);"
                + " INSERT INTO big_sales SELECT i, (i * 7) % 1000, (ARRAY['web', 'app', 'partner', 'sales'])[1 + i % 4],"
                + " i % 5000, 1 + i % 3, a, (i % 10) / 10.0, a / 5, a,"
                + " timestamp '2024-01-01 00:00:00' + ((i * 37) % 17520) * interval '1 hour'"
                + " FROM (SELECT i, ((i * 7919) % 100000) / 100.0 AS a FROM generate_series(1::bigint, 1000000) i) g");
        node.execute("ANALYZE big_sales");
        try (Connection duck = DuckDb.open(classDir.resolve("warehouse.duckdb"))) {
            Sql.execute(duck, "CREATE TABLE big_sales AS SELECT i AS id, (i * 7) % 1000 AS customer_id,"
                    + " CASE i % 4 WHEN 0 THEN 'web' WHEN 1 THEN 'app' WHEN 2 THEN 'partner' ELSE 'sales' END AS channel,"
                    + " i % 5000 AS product_id, CAST(1 + i % 3 AS INTEGER) AS quantity,"
                    + " CAST(CAST((i * 7919) % 100000 AS DECIMAL(18,0)) * 0.01 AS DECIMAL(12,2)) AS unit_price,"
                    + " CAST(CAST(i % 10 AS DECIMAL(18,0)) * 0.1 AS DECIMAL(12,2)) AS discount,"
                    + " CAST(CAST((i * 7919) % 100000 AS DECIMAL(18,0)) * 0.002 AS DECIMAL(12,2)) AS tax,"
                    + " CAST(CAST((i * 7919) % 100000 AS DECIMAL(18,0)) * 0.01 AS DECIMAL(12,2)) AS amount,"
                    + " TIMESTAMP '2024-01-01 00:00:00' + to_hours(CAST((i * 37) % 17520 AS BIGINT)) AS sold_at"
                    + " FROM range(1, 1000001) t(i)");
        }
    }

    @Test
    @DisplayName("over 1,000,000 sales, DuckDB answers the same aggregate as PostgreSQL at least 3x faster")
    void duckDbIsFasterOnTheSameAnswer(PostgresNode node) throws Exception {
        try (Connection pg = node.connect(); Connection duck = DuckDb.open(classDir.resolve("warehouse.duckdb"))) {
            // One core each: the race is between storage layouts and execution models, not over who
            // grabs more of a loaded machine's cores.
            Sql.execute(pg, "SET max_parallel_workers_per_gather = 0");
            Sql.execute(duck, "SET threads = 1");
            List<String> calls = Collections.synchronizedList(new ArrayList<>());
            Callable<SortedMap<String, BigDecimal>> onPostgres = () -> {
                calls.add("PostgreSQL");
                return RevenueQueries.onPostgres(pg);
            };
            Callable<SortedMap<String, BigDecimal>> onDuckDb = () -> {
                calls.add("DuckDB");
                return RevenueQueries.onDuckDb(duck);
            };

            Comparison<SortedMap<String, BigDecimal>> race =
                    new BenchmarkHarness(System::nanoTime).compare("PostgreSQL", onPostgres, "DuckDB", onDuckDb);

            Map<String, BigDecimal> check = Sql.sums(pg, "SELECT to_char(date_trunc('month', sold_at), 'YYYY-MM') || '/'"
                    + " || lpad((customer_id % 100)::text, 2, '0'), sum(amount) FROM big_sales GROUP BY 1");
            assertThat(race.result())
                    .as("the answer both engines agreed on: revenue per month and customer_id mod 100, keyed by"
                            + " RevenueKey: 2,400 groups")
                    .hasSize(2400);
            Map<String, BigDecimal> agreed = new TreeMap<>();
            race.result().forEach((key, sum) -> agreed.put(key, sum.signum() == 0 ? BigDecimal.ZERO : sum.stripTrailingZeros()));
            assertThat(agreed).as("the agreed answer, checked against PostgreSQL's own (expected on the right)").isEqualTo(check);
            assertThat(calls).as("calls of each engine: one warm-up and five timed runs")
                    .filteredOn("PostgreSQL"::equals).hasSize(6);
            assertThat(race.speedup())
                    .as("DuckDB's speed-up over PostgreSQL (median over median): PostgreSQL %s ms, DuckDB %s ms",
                            millis(race.first().samples()), millis(race.second().samples()))
                    .isGreaterThanOrEqualTo(3.0);
        }
    }

    private static List<Long> millis(List<Long> nanos) {
        return nanos.stream().map(n -> n / MS).toList();
    }

    /** An engine that advances the scripted clock by the next of {@code costMs} on each call. */
    private static Callable<String> scripted(String name, AtomicLong clock, List<String> calls, String answer,
                                             long... costMs) {
        AtomicLong call = new AtomicLong();
        return () -> {
            calls.add(name);
            int i = (int) call.getAndIncrement();
            clock.addAndGet(costMs[Math.min(i, costMs.length - 1)] * MS);
            return answer;
        };
    }
}
