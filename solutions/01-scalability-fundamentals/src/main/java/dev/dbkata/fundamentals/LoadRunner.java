package dev.dbkata.fundamentals;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.HdrHistogram.Histogram;

/**
 * A load runner that measures from when a request should have started: in a closed loop that is
 * when its client's previous request returned, in an open loop the request's slot in the schedule.
 */
public final class LoadRunner {

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final DataSource dataSource;

    public LoadRunner(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public LoadReport closedLoop(int clients, Duration warmUp, Duration measured, SqlWork<?> request)
            throws InterruptedException {
        requirePositive(clients);
        return run(clients, warmUp, measured, request, (window, client) -> {
            // The next request of this client is due the moment its previous one returned.
            long due = System.nanoTime();
            return due < window.end ? due : -1;
        });
    }

    public LoadReport openLoop(double requestsPerSecond, int clients, Duration warmUp, Duration measured,
                               SqlWork<?> request) throws InterruptedException {
        requirePositive(clients);
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("the rate must be more than 0 requests per second, was " + requestsPerSecond);
        }
        double interval = 1e9 / requestsPerSecond;
        AtomicLong nextSlot = new AtomicLong();
        return run(clients, warmUp, measured, request, (window, client) -> {
            // The schedule does not care whether the server keeps up: slot k is due at start + k * interval.
            long due = window.start + (long) (nextSlot.getAndIncrement() * interval);
            if (due >= window.end) {
                return -1;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            return due;
        });
    }

    /** Decides when a client's next request is due: a {@link System#nanoTime()}, or -1 when the run is over. */
    private interface Schedule {
        long nextDue(Window window, int client);
    }

    /** The run's time line, in {@link System#nanoTime()}: start, end of warm-up, end. */
    private record Window(long start, long measuredFrom, long end) {
    }

    /** What one client saw. */
    private static final class ClientTally {
        final Histogram latencies = new Histogram(3);
        long warmUp;
        long lastCompletion;
    }

    private LoadReport run(int clients, Duration warmUp, Duration measured, SqlWork<?> request, Schedule schedule)
            throws InterruptedException {
        List<Connection> connections = new ArrayList<>();
        ExecutorService executor = Executors.newFixedThreadPool(clients, threadsNamed("load-" + RUNS.incrementAndGet()));
        try {
            for (int i = 0; i < clients; i++) {
                connections.add(dataSource.getConnection());
            }
            long start = System.nanoTime();
            Window window = new Window(start, start + warmUp.toNanos(), start + warmUp.toNanos() + measured.toNanos());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Future<ClientTally>> tallies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                Connection connection = connections.get(i);
                tallies.add(executor.submit(() -> client(client, connection, window, request, schedule, failure)));
            }
            Histogram all = new Histogram(3);
            long warm = 0;
            long lastCompletion = window.measuredFrom;
            for (Future<ClientTally> f : tallies) {
                ClientTally tally = getDone(f);
                all.add(tally.latencies);
                warm += tally.warmUp;
                lastCompletion = Math.max(lastCompletion, tally.lastCompletion);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a request failed: " + failure.get().getMessage(), failure.get());
            }
            return report(all, warm, lastCompletion - window.measuredFrom);
        } catch (SQLException e) {
            throw new IllegalStateException("could not open the clients' connections: " + e.getMessage(), e);
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(30, TimeUnit.SECONDS);
            for (Connection c : connections) {
                closeQuietly(c);
            }
        }
    }

    private static ClientTally client(int client, Connection connection, Window window, SqlWork<?> request,
                                      Schedule schedule, AtomicReference<Throwable> failure) {
        ClientTally tally = new ClientTally();
        while (failure.get() == null && !Thread.currentThread().isInterrupted()) {
            long due = schedule.nextDue(window, client);
            if (due < 0) {
                break;
            }
            try {
                request.run(connection);
            } catch (SQLException | RuntimeException e) {
                failure.compareAndSet(null, e);
                break;
            }
            long done = System.nanoTime();
            if (due < window.measuredFrom) {
                tally.warmUp++;
            } else {
                tally.latencies.recordValue(done - due);
                tally.lastCompletion = Math.max(tally.lastCompletion, done);
            }
        }
        return tally;
    }

    private static LoadReport report(Histogram h, long warmUp, long spanNanos) {
        long n = h.getTotalCount();
        double throughput = n == 0 || spanNanos <= 0 ? 0 : n / (spanNanos / 1e9);
        return new LoadReport(warmUp, n, throughput, Duration.ofNanos(Math.round(h.getMean())),
                Duration.ofNanos(h.getValueAtPercentile(50)), Duration.ofNanos(h.getValueAtPercentile(95)),
                Duration.ofNanos(h.getValueAtPercentile(99)), Duration.ofNanos(h.getMaxValue()));
    }

    private static ClientTally getDone(Future<ClientTally> f) throws InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a load client crashed: " + e.getCause(), e.getCause());
        }
    }

    private static ThreadFactory threadsNamed(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void requirePositive(int clients) {
        if (clients < 1) {
            throw new IllegalArgumentException("a run needs at least one client, asked for " + clients);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // The run's result does not depend on how a connection ends.
        }
    }
}
