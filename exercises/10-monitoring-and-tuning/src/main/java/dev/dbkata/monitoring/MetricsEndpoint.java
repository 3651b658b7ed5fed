package dev.dbkata.monitoring;

import java.io.IOException;
import java.net.URI;

import javax.sql.DataSource;

/**
 * The invoicing service's metrics, in Prometheus text format over HTTP: {@code GET /metrics} on a
 * free port of the loopback interface, served by the JDK's {@code com.sun.net.httpserver} (task
 * {@code metrics-endpoint}).
 *
 * <p>Metrics, named in {@link MetricNames}, kept in a Micrometer {@code PrometheusMeterRegistry}:
 * <ul>
 *   <li>HikariCP's pool metrics for the application pool this endpoint builds ({@link #pool()});</li>
 *   <li>per replica: lag in bytes (primary's {@code pg_current_wal_lsn()} minus the replica's
 *       {@code pg_last_wal_replay_lsn()}) and in seconds ({@code now() - pg_last_xact_replay_timestamp()}
 *       on the replica, 0 when it has replayed all it received);</li>
 *   <li>transactions (a counter) and transactions per second between two scrapes, by the settings'
 *       clock; the cache hit ratio; live and dead tuples per table; {@code pg_up}.</li>
 * </ul>
 * Every value is read from the server's views when a scrape asks for it. The endpoint's own
 * queries use connections of their own, never the application pool. Failures to reach a server
 * give {@code NaN} values (and {@code pg_up 0} for the primary), not a failed scrape.
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** Builds the application pool (with Micrometer metrics) and starts the HTTP server. */
    public MetricsEndpoint(EndpointSettings settings) throws IOException {
        throw new UnsupportedOperationException("TODO(metrics-endpoint): build a HikariCP pool that reports to a"
                + " PrometheusMeterRegistry, register the database metrics, and serve GET /metrics");
    }

    /** The application's pool; its use shows in the {@code hikaricp_*} metrics. */
    public DataSource pool() {
        throw new UnsupportedOperationException("TODO(metrics-endpoint): return the instrumented pool");
    }

    /** Where Prometheus scrapes: {@code http://127.0.0.1:PORT/metrics}. */
    public URI uri() {
        throw new UnsupportedOperationException("TODO(metrics-endpoint): the URI of GET /metrics");
    }

    /** Reads the views now and returns every metric in Prometheus text format (what GET /metrics serves). */
    public String scrape() {
        throw new UnsupportedOperationException("TODO(metrics-endpoint): refresh every database figure, then"
                + " return the registry's scrape");
    }

    /** Stops the HTTP server and its threads, then closes the pool and the registry. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO(metrics-endpoint): stop the HTTP server, close the pool");
    }
}
