package dev.dbkata.fundamentals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task connection-pool: 200 requests at once through a pool bounded for the server.
 *
 * <p>The server allows 20 connections, 3 of them reserved for superusers: the application's
 * ordinary role gets 17 at most, and is told {@code maxConnections = 6}. While the requests run,
 * the test samples {@code pg_stat_activity} by the application's name every few milliseconds.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a connection per request: 200 requests at once ask for 200 server processes and most are
 *       refused with "too many clients" (SQLSTATE 53300);</li>
 *   <li>an unbounded pool, or one sized by the load rather than by {@code maxConnections}: the
 *       sampler sees the application hold more than 6 connections;</li>
 *   <li>a pool larger than {@code max_connections} leaves room for, accepted at start: it can never
 *       be filled, and fails requests (53300) instead of queueing them;</li>
 *   <li>a pool that serves one request at a time;</li>
 *   <li>a {@code close()} that leaves server connections behind, or a request that keeps its
 *       connection when its work throws.</li>
 * </ul>
 */
@Task(id = "connection-pool", title = "A bounded connection pool for 200 concurrent requests", points = 2)
@WithPostgres(settings = {"max_connections=20", "superuser_reserved_connections=3"}, reset = Reset.BEFORE_EACH_TEST)
class ConnectionPoolTest {

    private static final String APP = "timesheet-web";
    private static final int LIMIT = 6;
    private static final int REQUESTS = 200;

    /** One request's statement: a few milliseconds on the server, as a real page takes (pgjdbc sends ? as $1). */
    private static final String REQUEST_SQL = "SELECT ?::int FROM pg_sleep(0.01)";

    @BeforeEach
    void createRole(PostgresNode node) {
        AppRole.create(node);
    }

    @Test
    @DisplayName("200 concurrent requests all complete, and the app never holds more than its 6 connections")
    void concurrentRequestsShareABoundedPool(PostgresNode node) throws Exception {
        List<Integer> samples = new ArrayList<>();
        List<Integer> activeSamples = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        ExecutorService requests = Executors.newFixedThreadPool(REQUESTS);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (Connection look = node.connect(); TimesheetService service = new TimesheetService(AppRole.database(node, APP, LIMIT))) {
            ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Integer> running = new ConcurrentLinkedQueue<>();
            sampler.scheduleWithFixedDelay(() -> {
                try {
                    seen.add(ServerViews.sessionsOf(look, APP));
                    running.add(ServerViews.activeSessionsOf(look, APP, "FROM pg_sleep(0.01)"));
                } catch (SQLException e) {
                    seen.add(-1);
                }
            }, 0, 3, TimeUnit.MILLISECONDS);

            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger served = new AtomicInteger();
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int user = i;
                answers.add(requests.submit(() -> {
                    go.await();
                    // A request that takes a few milliseconds on the server, as a real page does.
                    return service.execute(c -> {
                        try (PreparedStatement s = c.prepareStatement(REQUEST_SQL)) {
                            s.setInt(1, user);
                            try (ResultSet rs = s.executeQuery()) {
                                rs.next();
                                served.incrementAndGet();
                                return rs.getInt(1);
                            }
                        }
                    });
                }));
            }
            go.countDown();
            for (int i = 0; i < REQUESTS; i++) {
                try {
                    assertThat(answers.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(i);
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            sampler.shutdown();
            assertThat(sampler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            samples.addAll(seen);
            activeSamples.addAll(running);
        } finally {
            sampler.shutdownNow();
            requests.shutdownNow();
        }

        assertThat(failures)
                .as("requests that failed, of %d. SQLSTATE 53300 (\"too many clients\", or \"remaining connection"
                        + " slots are reserved\") means the app opened more connections than the server has slots for it:"
                        + " borrow them from a bounded pool instead%s",
                        REQUESTS, failures.isEmpty() ? "" : ". The first: " + failures.get(0))
                .isEmpty();
        int peak = samples.stream().mapToInt(Integer::intValue).max().orElse(0);
        assertThat(peak)
                .as("the most server connections the app held at once, sampled from pg_stat_activity"
                        + " (application_name = '%s') %d times during the load; it may hold %d at most",
                        APP, samples.size(), LIMIT)
                .isLessThanOrEqualTo(LIMIT);
        assertThat(peak)
                .as("the most server connections the app held at once: a pool of %d should serve several"
                        + " requests in parallel, not one at a time", LIMIT)
                .isGreaterThan(1);
        int peakRunning = activeSamples.stream().mapToInt(Integer::intValue).max().orElse(0);
        assertThat(peakRunning)
                .as("the most requests the server ran at once for the app (pg_stat_activity, state = 'active' running the"
                        + " request's statement), in %d"
                        + " samples: with %d pooled connections, several 10 ms requests should run side by side. Only one"
                        + " at a time means they take turns: a lock (synchronized) around execute() serialises them,"
                        + " and the pool is thread-safe without it", activeSamples.size(), LIMIT)
                .isGreaterThan(1);
    }

    @Test
    @DisplayName("closing the service leaves no server connection behind, also after a request that threw")
    void closingLeavesNoConnection(PostgresNode node) throws Exception {
        TimesheetService service = new TimesheetService(AppRole.database(node, APP, LIMIT));
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            // Twice as many failing requests as the pool has connections: a pool that loses the
            // connection of each request that throws is empty half-way, and the rest wait for one.
            Future<String> requests = caller.submit(() -> {
                for (int i = 0; i < 2 * LIMIT; i++) {
                    assertThatThrownBy(() -> service.execute(c -> {
                        try (PreparedStatement s = c.prepareStatement("SELECT 1 / 0")) {
                            s.executeQuery();
                        }
                        return null;
                    })).as("a request whose SQL fails").isInstanceOf(SQLException.class)
                            .hasMessageContaining("division by zero");
                }
                return service.execute(c -> {
                    try (PreparedStatement s = c.prepareStatement("SELECT current_user"); ResultSet rs = s.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                });
            });
            String role;
            try {
                role = requests.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("12 requests whose SQL failed, then one that should succeed, have not got"
                        + " through a pool of " + LIMIT + " in 10 seconds: a request that throws must still give its"
                        + " connection back (try-with-resources or finally), or the pool runs dry after " + LIMIT
                        + " failures and every later request waits for a connection that never returns");
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw (Exception) e.getCause();
            }
            assertThat(role).as("the role requests run as").isEqualTo(AppRole.NAME);
            assertThat(ServerViews.sessionsOf(node, APP))
                    .as("server connections the app keeps open between requests: a pool keeps them (at most %d) for the"
                            + " next request; 0 means each request opened and closed its own", LIMIT)
                    .isBetween(1, LIMIT);
        } finally {
            caller.shutdownNow();
            service.close();
            caller.awaitTermination(10, TimeUnit.SECONDS);
        }
        Waits.until("every server connection of '" + APP + "' to be gone after close()", Duration.ofSeconds(10),
                () -> ServerViews.sessionsOf(node, APP), n -> n == 0);
    }

    @Test
    @DisplayName("a pool larger than the server's max_connections allows is refused at start, with a clear error")
    void poolLargerThanTheServerIsRefused(PostgresNode node) {
        Throwable refusal = catchThrowable(() -> new TimesheetService(AppRole.database(node, APP, 40)).close());
        assertThat(refusal)
                .as("new TimesheetService(maxConnections = 40) where max_connections = 20 (3 reserved for superusers)"
                        + " leaves 17 for the app: such a pool can never be filled, and its extra connections would meet"
                        + " SQLSTATE 53300. Ask the server (current_setting('max_connections'), ...) and refuse it with an"
                        + " IllegalArgumentException")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_connections")
                .hasMessageContaining("17");
        Waits.until("the refused service's connections to be gone (a refused pool must not be left open)",
                Duration.ofSeconds(10), () -> ServerViews.sessionsOf(node, APP), n -> n == 0);
    }
}
