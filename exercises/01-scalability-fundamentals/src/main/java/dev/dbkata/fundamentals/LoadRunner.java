package dev.dbkata.fundamentals;

import java.time.Duration;

import javax.sql.DataSource;

/**
 * Puts load on the database and measures it honestly: throughput, and latency percentiles from
 * an HdrHistogram.
 *
 * <p>A client is one thread with one connection of its own, opened before the run and closed
 * after it. Requests are {@link SqlWork}; a request's latency is the time from when it should
 * have started to when it returned. Requests that start during the warm-up are counted apart and
 * measured by no figure. Threads the runner starts are gone when a run returns.
 */
public final class LoadRunner {

    private final DataSource dataSource;

    public LoadRunner(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A closed loop: each of {@code clients} clients sends a request, waits for the answer and
     * sends the next at once, for {@code warmUp} and then for {@code measured}. A request should
     * start when the previous one of its client returned.
     *
     * @return the measured window's figures, with latencies recorded in an HdrHistogram
     * @throws IllegalStateException when a request fails (its exception is the cause)
     */
    public LoadReport closedLoop(int clients, Duration warmUp, Duration measured, SqlWork<?> request)
            throws InterruptedException {
        throw new UnsupportedOperationException("TODO(measure-latency): run clients in a closed loop, record each"
                + " latency in an HdrHistogram, and report throughput and p50/p95/p99/max of the measured window");
    }

    /**
     * An open loop: requests are due at a fixed rate, {@code requestsPerSecond}, whatever the
     * server does; request {@code k} should start at {@code start + k / requestsPerSecond}. The
     * next free client takes the next due request (at once, if it is late). A request's latency
     * runs from when it was due, not from when a client got round to sending it: a stalled server
     * shows up in the latencies of every request that was due while it stalled.
     *
     * @throws IllegalStateException when a request fails (its exception is the cause)
     */
    public LoadReport openLoop(double requestsPerSecond, int clients, Duration warmUp, Duration measured,
                               SqlWork<?> request) throws InterruptedException {
        throw new UnsupportedOperationException("TODO(measure-latency): send requests on a fixed schedule and measure"
                + " each from its intended start time, so that a stall is not hidden (coordinated omission)");
    }
}
