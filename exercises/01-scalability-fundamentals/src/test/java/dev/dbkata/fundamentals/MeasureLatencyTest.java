package dev.dbkata.fundamentals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task measure-latency: a load runner whose numbers can be trusted.
 *
 * <p>Checked for honesty, not speed: every request the runner claims is a statement the server
 * counted ({@code pg_stat_statements}); closed-loop runs obey Little's law (clients = throughput ×
 * mean latency); a known mix of fast and slow requests shows in the percentiles; and a server the
 * test stalls for 500 ms (a lock it holds) shows in the p99 of an open-loop run.
 *
 * <p>Rejects:
 * <ul>
 *   <li>averages reported as percentiles: 1 request in 25 takes 60 ms, so p99 must show 60 ms while
 *       the mean and the median stay far below;</li>
 *   <li>latency measured from when a request was sent rather than when it was due (coordinated
 *       omission): the stall then hides in one or two requests instead of the fifty that were due
 *       while the server stood still;</li>
 *   <li>a throughput or mean that does not fit the run (warm-up counted in, time that excludes
 *       waiting for a connection, units mixed up): Little's law fails;</li>
 *   <li>request counts made up or lost: they must match the server's statement count, warm-up
 *       and measured window together.</li>
 * </ul>
 */
@Task(id = "measure-latency", title = "Measure throughput and latency percentiles honestly", points = 4)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
class MeasureLatencyTest {

    private static final Duration WARM_UP = Duration.ofMillis(300);
    private static final Duration LONG_WARM_UP = Duration.ofMillis(1000);

    private DataSource app;

    @BeforeEach
    void createRole(PostgresNode node) {
        AppRole.create(node);
        app = AppRole.dataSource(node, "timesheet-load");
    }

    @Test
    @DisplayName("closed loops of 1, 4 and 16 clients obey Little's law, and every request is a statement the server ran")
    void closedLoopsObeyLittlesLaw(PostgresNode node) throws Exception {
        LoadRunner runner = new LoadRunner(app);
        for (int clients : new int[] {1, 4, 16}) {
            node.statements().reset();
            // A warm-up as long as the measured window: a throughput or mean that mixes the two is off by half.
            LoadReport report = runner.closedLoop(clients, LONG_WARM_UP, Duration.ofMillis(1200), c -> sleep(c, 0.005));

            assertCountsMatchServer(node, report, "pg_sleep", clients + " closed-loop clients");
            assertOrdered(report);
            assertThat(report.mean().toNanos() / 1e6)
                    .as("%d clients, each request sleeps 5 ms on the server: the mean latency in ms (%s)", clients, report)
                    .isGreaterThanOrEqualTo(5.0);
            double inFlight = report.throughput() * report.mean().toNanos() / 1e9;
            assertThat(inFlight)
                    .as("Little's law for %d closed-loop clients: throughput x mean latency = requests in flight,"
                            + " which a closed loop keeps at the number of clients (%s). A mismatch means the"
                            + " throughput or the latency is not measured over the same requests and time: the measured"
                            + " requests divided by the measured window only, warm-up (1 s here) left out of both",
                            clients, report)
                    .isCloseTo(clients, within(clients * 0.25));
        }
    }

    @Test
    @DisplayName("1 request in 25 takes 60 ms: p99 shows it, the median and the mean do not")
    void percentilesShowTheSlowRequests(PostgresNode node) throws Exception {
        AtomicLong sent = new AtomicLong();
        LoadReport report = new LoadRunner(app).closedLoop(2, WARM_UP, Duration.ofMillis(2000),
                c -> sleep(c, sent.incrementAndGet() % 25 == 0 ? 0.06 : 0.002));

        assertCountsMatchServer(node, report, "pg_sleep", "2 closed-loop clients");
        assertOrdered(report);
        assertThat(report.p99())
                .as("p99 when 4%% of the requests sleep 60 ms on the server: at least 60 ms. A p99 below that is"
                        + " not a percentile (an average?) (%s)", report)
                .isGreaterThanOrEqualTo(Duration.ofMillis(60));
        assertThat(report.max()).as("the slowest request (%s)", report).isGreaterThanOrEqualTo(Duration.ofMillis(60));
        assertThat(report.p50())
                .as("the median when 96%% of the requests sleep 2 ms: well below the slow ones (%s)", report)
                .isLessThan(report.p99().dividedBy(3));
        assertThat(report.mean())
                .as("the mean lies between the median and the p99 for this mix (%s)", report)
                .isGreaterThan(report.p50())
                .isLessThan(report.p99());
    }

    @Test
    @DisplayName("a 500 ms stall during an open-loop run shows in p99: latency counts from when each request was due")
    void aStallShowsInTheOpenLoopP99(PostgresNode node) throws Exception {
        node.execute("CREATE TABLE stall_gate (id int)");
        node.execute("GRANT SELECT ON stall_gate TO " + AppRole.NAME);
        AtomicLong sent = new AtomicLong();
        ExecutorService runs = Executors.newSingleThreadExecutor();
        try {
            // 100 requests a second for 0.3 s of warm-up and 2.5 s measured, by 2 clients.
            Future<LoadReport> running = runs.submit(() -> new LoadRunner(app).openLoop(100, 2, WARM_UP,
                    Duration.ofMillis(2500), c -> {
                        sent.incrementAndGet();
                        return count(c, "SELECT count(*) FROM stall_gate");
                    }));
            // About 0.7 s into the measured window, the server stops answering for 500 ms: the test
            // holds a lock every request needs, and lets it go after 500 ms of the server's time.
            Waits.until("the load to be 100 requests in", Duration.ofSeconds(10),
                    () -> sent.get() >= 100 || running.isDone());
            if (running.isDone()) {
                resultOf(running);
            }
            try (Connection stall = node.connect(); Statement s = stall.createStatement()) {
                stall.setAutoCommit(false);
                s.execute("LOCK TABLE stall_gate IN ACCESS EXCLUSIVE MODE");
                s.execute("SELECT pg_sleep(0.5)");
                stall.commit();
            }
            LoadReport report = resultOf(running);

            assertCountsMatchServer(node, report, "stall_gate", "the open-loop run");
            assertOrdered(report);
            assertThat(report.max())
                    .as("the slowest request of a run during which the server stalled 500 ms (%s)", report)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(450));
            assertThat(report.p99())
                    .as("p99 of a run in which the server stalled for 500 ms while 50 requests were due (of about 250"
                            + " measured): each of them waited, so p99 should be near 500 ms. A small p99 means latency"
                            + " was measured from when a request was sent, not from when it was due: coordinated"
                            + " omission hides the stall (%s)", report)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(400));
        } finally {
            runs.shutdownNow();
            assertThat(runs.awaitTermination(30, TimeUnit.SECONDS)).as("the load run to end").isTrue();
        }
    }

    /** The run's report; a failure inside the runner (its own exception) fails the test as it is. */
    private static LoadReport resultOf(Future<LoadReport> running) throws Exception {
        try {
            return running.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    private static void assertCountsMatchServer(PostgresNode node, LoadReport report, String fragment, String run) {
        long counted = ServerViews.statementsByApp(node, fragment);
        assertThat(report.warmUpRequests() + report.requests())
                .as("requests of %s, warm-up (%d) and measured (%d) together, against the statements the server"
                        + " counted for them in pg_stat_statements (%d): every request sent is counted once",
                        run, report.warmUpRequests(), report.requests(), counted)
                .isEqualTo(counted);
        assertThat(report.warmUpRequests()).as("warm-up requests of %s: there was a warm-up", run).isPositive();
        assertThat(report.requests()).as("measured requests of %s", run).isPositive();
    }

    private static void assertOrdered(LoadReport report) {
        assertThat(report.p50()).as("p50 <= p95 (%s)", report).isLessThanOrEqualTo(report.p95());
        assertThat(report.p95()).as("p95 <= p99 (%s)", report).isLessThanOrEqualTo(report.p99());
        assertThat(report.p99()).as("p99 <= max (%s)", report).isLessThanOrEqualTo(report.max());
        assertThat(report.mean()).as("mean <= max (%s)", report).isLessThanOrEqualTo(report.max());
        assertThat(report.p50()).as("p50 > 0 (%s)", report).isPositive();
    }

    private static Object sleep(Connection c, double seconds) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_sleep(?)")) {
            s.setDouble(1, seconds);
            s.executeQuery().close();
        }
        return null;
    }

    private static long count(Connection c, String sql) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
