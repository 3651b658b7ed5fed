package dev.dbkata.monitoring;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The invoicing service's metrics, in Prometheus text format over HTTP ({@code GET /metrics}).
 *
 * <p>Every database figure is read from the server's own views when a scrape asks for it, never
 * cached from an earlier scrape: a scrape is a snapshot of now. The endpoint's own queries run on
 * connections of their own, not the application pool, so watching the pool does not fill it.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final EndpointSettings settings;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HikariDataSource pool;
    private final HttpServer server;
    private final ExecutorService httpThread;

    private final MultiGauge lagBytes;
    private final MultiGauge lagSeconds;
    private final MultiGauge deadTuples;
    private final MultiGauge liveTuples;

    // The current snapshot, replaced by each scrape (under the instance lock).
    private double up = Double.NaN;
    private double transactions = Double.NaN;
    private double transactionsPerSecond = Double.NaN;
    private double cacheHitRatio = Double.NaN;
    private double previousTransactions = Double.NaN;
    private Instant previousScrape;

    /** Starts the application pool and the HTTP server, on a free port of the loopback interface. */
    public MetricsEndpoint(EndpointSettings settings) throws IOException {
        this.settings = settings;
        HikariConfig config = new HikariConfig();
        config.setPoolName(settings.poolName());
        config.setJdbcUrl(settings.primaryJdbcUrl());
        config.setUsername(settings.user());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(2_000);
        config.addDataSourceProperty("ApplicationName", settings.poolName());
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        pool = new HikariDataSource(config);

        Gauge.builder("pg.up", this, e -> e.up).strongReference(true)
                .description("1 when the last scrape reached the primary").register(registry);
        FunctionCounter.builder("pg.transactions", this, e -> e.transactions)
                .description("Committed and rolled-back transactions of the database").register(registry);
        Gauge.builder("pg.transactions.per.second", this, e -> e.transactionsPerSecond).strongReference(true)
                .description("Transactions per second since the previous scrape").register(registry);
        Gauge.builder("pg.cache.hit.ratio", this, e -> e.cacheHitRatio).strongReference(true)
                .description("Share of buffer reads served from shared buffers").register(registry);
        lagBytes = MultiGauge.builder("pg.replication.lag.bytes")
                .description("WAL bytes written on the primary and not yet replayed on the replica").register(registry);
        lagSeconds = MultiGauge.builder("pg.replication.lag.seconds")
                .description("Seconds since the replica's last replayed transaction, 0 when it has replayed everything it received")
                .register(registry);
        deadTuples = MultiGauge.builder("pg.table.dead.tuples").description("Dead row versions per table")
                .register(registry);
        liveTuples = MultiGauge.builder("pg.table.live.tuples").description("Live rows per table").register(registry);

        httpThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-endpoint-http");
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", this::serve);
        server.setExecutor(httpThread);
        server.start();
    }

    /** The application's pool: HikariCP, instrumented; its use shows in the {@code hikaricp_*} metrics. */
    public DataSource pool() {
        return pool;
    }

    /** Where Prometheus scrapes: {@code http://127.0.0.1:PORT/metrics}. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + "/metrics");
    }

    /** Reads the views now and returns every metric in Prometheus text format. */
    public synchronized String scrape() {
        refresh();
        return registry.scrape();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void refresh() {
        // Replicas first, then the primary: a replay position read before the primary's WAL
        // position can only overstate the lag, never hide it.
        Map<String, double[]> replicaFigures = new LinkedHashMap<>();
        for (ReplicaAddress replica : settings.replicas()) {
            replicaFigures.put(replica.name(), readReplica(replica));
        }
        Instant now = settings.clock().instant();
        List<MultiGauge.Row<?>> bytesRows = new ArrayList<>();
        List<MultiGauge.Row<?>> secondsRows = new ArrayList<>();
        List<MultiGauge.Row<?>> deadRows = new ArrayList<>();
        List<MultiGauge.Row<?>> liveRows = new ArrayList<>();
        try (Connection c = connect(settings.primaryJdbcUrl()); Statement s = c.createStatement()) {
            long primaryLsn;
            try (ResultSet rs = s.executeQuery("/* metrics-endpoint */ SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                primaryLsn = lsn(rs.getString(1));
            }
            replicaFigures.forEach((name, figures) -> {
                Tags tags = Tags.of(MetricNames.REPLICA, name);
                double bytes = Double.isNaN(figures[0]) ? Double.NaN : Math.max(0, primaryLsn - (long) figures[0]);
                bytesRows.add(MultiGauge.Row.of(tags, bytes));
                secondsRows.add(MultiGauge.Row.of(tags, figures[1]));
            });
            try (ResultSet rs = s.executeQuery("/* metrics-endpoint */ SELECT xact_commit + xact_rollback,"
                    + " blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                transactions = rs.getLong(1);
                long hit = rs.getLong(2);
                long read = rs.getLong(3);
                cacheHitRatio = hit + read == 0 ? Double.NaN : (double) hit / (hit + read);
            }
            try (ResultSet rs = s.executeQuery("/* metrics-endpoint */ SELECT schemaname, relname, n_live_tup,"
                    + " n_dead_tup FROM pg_stat_user_tables")) {
                while (rs.next()) {
                    Tags tags = Tags.of(MetricNames.SCHEMA, rs.getString(1), MetricNames.TABLE, rs.getString(2));
                    liveRows.add(MultiGauge.Row.of(tags, rs.getLong(3)));
                    deadRows.add(MultiGauge.Row.of(tags, rs.getLong(4)));
                }
            }
            up = 1;
            transactionsPerSecond = ratePerSecond(now);
            previousTransactions = transactions;
            previousScrape = now;
        } catch (SQLException e) {
            up = 0;
            transactions = Double.NaN;
            transactionsPerSecond = Double.NaN;
            cacheHitRatio = Double.NaN;
        }
        // overwrite = true: a table dropped or a replica gone since the last scrape disappears.
        lagBytes.register(bytesRows, true);
        lagSeconds.register(secondsRows, true);
        deadTuples.register(deadRows, true);
        liveTuples.register(liveRows, true);
    }

    private double ratePerSecond(Instant now) {
        if (previousScrape == null || Double.isNaN(previousTransactions)) {
            return 0;
        }
        double seconds = Duration.between(previousScrape, now).toNanos() / 1e9;
        return seconds <= 0 ? 0 : Math.max(0, transactions - previousTransactions) / seconds;
    }

    /** {replay position, seconds behind}, NaN for what could not be read. */
    private double[] readReplica(ReplicaAddress replica) {
        try (Connection c = connect(replica.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("/* metrics-endpoint */ SELECT pg_last_wal_replay_lsn()::text,"
                     + " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                     + " ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END")) {
            rs.next();
            String replay = rs.getString(1);
            double seconds = rs.getDouble(2);
            return new double[] {replay == null ? Double.NaN : lsn(replay), rs.wasNull() ? Double.NaN : seconds};
        } catch (SQLException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    private Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "5");
        props.setProperty("ApplicationName", "metrics-endpoint");
        return DriverManager.getConnection(url, props);
    }

    private static long lsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseUnsignedLong(text.substring(0, slash), 16) << 32)
                + Long.parseUnsignedLong(text.substring(slash + 1), 16);
    }

    /** Stops the HTTP server, then closes the application pool and the registry. */
    @Override
    public void close() {
        server.stop(0);
        httpThread.shutdownNow();
        pool.close();
        registry.close();
    }
}
