package dev.dbkata.verticalhorizontalscaling;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

/** Measures throughput against concurrency and fits Amdahl's law and the USL to it. */
public final class ScalabilityModel {

    private ScalabilityModel() {
    }

    /**
     * Fits Amdahl's law, X(N) = lambda N / (1 + sigma (N - 1)), to the measured throughput.
     * lambda is the one-client throughput.
     *
     * @throws IllegalArgumentException without a one-client point, or with fewer than two points
     */
    public static AmdahlFit fitAmdahl(List<Measurement> points) {
        throw new UnsupportedOperationException("TODO(scalability-model): fit Amdahl's serial fraction sigma to throughput");
    }

    /**
     * Fits the Universal Scalability Law, X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)),
     * to the measured throughput (never to latency); sigma and kappa are never negative.
     *
     * @throws IllegalArgumentException without a one-client point, or with fewer than two points
     */
    public static UslFit fitUsl(List<Measurement> points) {
        throw new UnsupportedOperationException("TODO(scalability-model): fit the USL's sigma and kappa to throughput");
    }

    /**
     * Runs {@code sql} back to back from {@code clients} sessions (opened with {@code connections})
     * for about {@code window}, and counts the executions the server saw: calls of the statement in
     * {@code pg_stat_statements} (read through {@code stats}) during the window. Sessions are opened
     * before the window starts; the work runs on threads this method owns and shuts down.
     */
    public static Measurement measure(DataSource stats, ConnectionFactory connections, String sql,
                                      int clients, Duration window) throws SQLException {
        throw new UnsupportedOperationException("TODO(scalability-model): run the query from N clients for the"
                + " window and count its executions in pg_stat_statements");
    }
}
