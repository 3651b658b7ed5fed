package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/** Measures throughput against concurrency and fits Amdahl's law and the USL to it. */
public final class ScalabilityModel {

    private ScalabilityModel() {
    }

    /**
     * Fits Amdahl's law to throughput. lambda is X(1), the measured one-client throughput; sigma
     * is the least-squares solution of N / C(N) - 1 = sigma (N - 1), where C(N) = X(N) / X(1).
     *
     * @throws IllegalArgumentException without a one-client point, or with fewer than two points
     */
    public static AmdahlFit fitAmdahl(List<Measurement> points) {
        double lambda = oneClientThroughput(points);
        double sxx = 0;
        double sxy = 0;
        for (Measurement m : points) {
            double x = m.clients() - 1;
            double y = m.clients() * lambda / m.throughput() - 1;
            sxx += x * x;
            sxy += x * y;
        }
        double sigma = Math.max(0, sxy / sxx);
        AmdahlFit shape = new AmdahlFit(lambda, sigma, 0);
        return new AmdahlFit(lambda, sigma, rmsRelative(points, shape::throughputAt));
    }

    /**
     * Fits the USL to throughput: lambda = X(1); sigma and kappa solve, by least squares,
     * N / C(N) - 1 = sigma (N - 1) + kappa N (N - 1). A negative coefficient is clamped to 0 and
     * the other refitted alone.
     *
     * @throws IllegalArgumentException without a one-client point, or with fewer than two points
     */
    public static UslFit fitUsl(List<Measurement> points) {
        double lambda = oneClientThroughput(points);
        double s11 = 0;
        double s12 = 0;
        double s22 = 0;
        double s1y = 0;
        double s2y = 0;
        for (Measurement m : points) {
            double n = m.clients();
            double x1 = n - 1;
            double x2 = n * (n - 1);
            double y = n * lambda / m.throughput() - 1;
            s11 += x1 * x1;
            s12 += x1 * x2;
            s22 += x2 * x2;
            s1y += x1 * y;
            s2y += x2 * y;
        }
        double det = s11 * s22 - s12 * s12;
        double sigma = (s1y * s22 - s2y * s12) / det;
        double kappa = (s11 * s2y - s12 * s1y) / det;
        if (!(kappa >= 0)) {
            kappa = 0;
            sigma = s1y / s11;
        }
        if (!(sigma >= 0)) {
            sigma = 0;
            kappa = Math.max(0, s2y / s22);
        }
        UslFit shape = new UslFit(lambda, sigma, kappa, 0);
        return new UslFit(lambda, sigma, kappa, rmsRelative(points, shape::throughputAt));
    }

    /**
     * Runs {@code sql} back to back from {@code clients} sessions for about {@code window}, and
     * counts the executions as the server saw them: the calls of the statement's query id in
     * {@code pg_stat_statements} (read through {@code stats}), after minus before. The sessions are
     * opened, and run the statement once, before the count starts.
     */
    public static Measurement measure(DataSource stats, ConnectionFactory connections, String sql,
                                      int clients, Duration window) throws SQLException {
        if (clients < 1) {
            throw new IllegalArgumentException("At least one client, was " + clients);
        }
        List<Connection> sessions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                Connection c = connections.open();
                sessions.add(c);
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                }
            }
            long queryId = queryId(sessions.get(0), sql);
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong executions = new AtomicLong();
            AtomicLong busyNanos = new AtomicLong();
            List<Future<?>> running = new ArrayList<>();
            for (Connection c : sessions) {
                running.add(pool.submit(() -> {
                    start.await();
                    try (Statement s = c.createStatement()) {
                        while (!stop.get()) {
                            long t0 = System.nanoTime();
                            s.execute(sql);
                            busyNanos.addAndGet(System.nanoTime() - t0);
                            executions.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            long before = calls(stats, queryId);
            long t0 = System.nanoTime();
            start.countDown();
            TimeUnit.NANOSECONDS.sleep(window.toNanos());
            stop.set(true);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long completed = calls(stats, queryId) - before;
            double latencyMs = executions.get() == 0 ? 0 : busyNanos.get() / 1e6 / executions.get();
            return new Measurement(clients, completed, seconds, latencyMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while measuring", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new SQLException("A client failed while measuring: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
            for (Connection c : sessions) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing is best effort; the measurement is already taken
                }
            }
        }
    }

    /** The query id PostgreSQL computes for {@code sql}, as EXPLAIN VERBOSE prints it. */
    private static long queryId(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN (VERBOSE, FORMAT JSON) " + sql)) {
            rs.next();
            return PlanNodes.top(rs.getString(1)).path("Query Identifier").asLong();
        }
    }

    private static long calls(DataSource stats, long queryId) throws SQLException {
        try (Connection c = stats.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE queryid = ?")) {
            p.setLong(1, queryId);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static double oneClientThroughput(List<Measurement> points) {
        if (points == null || points.size() < 2) {
            throw new IllegalArgumentException("A fit needs at least two measurements");
        }
        return points.stream().filter(m -> m.clients() == 1).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("A fit needs the one-client measurement: it is lambda"))
                .throughput();
    }

    private static double rmsRelative(List<Measurement> points, java.util.function.DoubleUnaryOperator model) {
        double sum = 0;
        for (Measurement m : points) {
            double r = (model.applyAsDouble(m.clients()) - m.throughput()) / m.throughput();
            sum += r * r;
        }
        return Math.sqrt(sum / points.size());
    }
}
