package dev.dbkata.loadbalancing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * An application-level (L7) balancer: each request is one unit of work, run on a new connection to
 * the server a {@link Picker} chose among the servers that are available ({@link Health}) and not
 * draining.
 *
 * <p>Thread-safe: many request threads share one balancer.
 */
public final class LoadBalancer {

    private final List<Server> servers;
    private final Picker picker;
    private final Health health;
    private final BalancerSettings settings;

    public LoadBalancer(List<Server> servers, Picker picker, Health health, BalancerSettings settings) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a balancer needs at least one server");
        }
        Set<String> names = new HashSet<>();
        for (Server server : servers) {
            if (!names.add(server.name())) {
                throw new IllegalArgumentException("two servers are named " + server.name());
            }
        }
        this.servers = List.copyOf(servers);
        this.picker = picker;
        this.health = health;
        this.settings = settings;
    }

    /**
     * Runs {@code work} on a server the picker chooses among the available, non-draining servers.
     *
     * <ul>
     *   <li>While it runs, the request counts in {@link #outstanding(String)} of its server, from
     *       before the server is handed to the work until it is over, whether it succeeded or failed.</li>
     *   <li>A connection failure (the server could not be reached, or the connection broke: SQLSTATE
     *       class 08, 57P01-57P03) is reported to {@link Health#requestFailed}; a request that
     *       completed, or failed with an error of its own SQL, to {@link Health#requestSucceeded}.</li>
     *   <li>An {@link Idempotence#IDEMPOTENT} request whose connection failed runs once more, on
     *       another server; a {@link Idempotence#NOT_IDEMPOTENT} one never runs twice. An error of the
     *       work's own SQL is thrown to the caller at once, without a retry.</li>
     * </ul>
     *
     * @throws SQLException the work's own error, the last connection failure, or SQLSTATE 08001
     *         when no server can take the request
     */
    public <T> T execute(SqlWork<T> work, Idempotence idempotence) throws SQLException {
        // Given: the simplest dispatch, one attempt on the picker's choice.
        // TODO(least-outstanding): count the request on its server while it runs, failures included.
        // TODO(health-checks): report to health what happened; run an idempotent request once more elsewhere.
        // TODO(draining): leave draining servers out, and let no request slip past a drain() that has begun.
        List<Server> candidates = servers.stream().filter(health::isAvailable).toList();
        if (candidates.isEmpty()) {
            throw new SQLException("no server can take the request: every one is ejected", "08001");
        }
        Server server = picker.pick(candidates, s -> outstanding(s.name()));
        return runOn(server, work);
    }

    /**
     * Requests running on {@code serverName} now: started and not yet finished.
     *
     * @throws IllegalArgumentException for a name that is none of the servers'
     */
    public int outstanding(String serverName) {
        throw new UnsupportedOperationException("TODO(least-outstanding): count the requests each server runs now,"
                + " up when one starts and down when it ends (however it ends)");
    }

    /**
     * Takes {@code serverName} out for maintenance: from the moment it is called the server gets no
     * new request; returns once the requests it was running have finished (they are neither
     * interrupted nor failed). Calling it for a server already draining just waits again.
     *
     * @throws TimeoutException if requests still run on it after {@code timeout} (it stays draining)
     * @throws IllegalArgumentException for a name that is none of the servers'
     */
    public void drain(String serverName, Duration timeout) throws InterruptedException, TimeoutException {
        throw new UnsupportedOperationException("TODO(draining): stop new requests to the server, then wait until"
                + " the ones it runs have finished");
    }

    /**
     * Puts a drained server back: it takes new requests again. Does nothing to a server that is not
     * draining.
     *
     * @throws IllegalArgumentException for a name that is none of the servers'
     */
    public void undrain(String serverName) {
        throw new UnsupportedOperationException("TODO(draining): let the server take new requests again");
    }

    /** Given: opens a connection with the settings' timeouts, runs the work, closes the connection. */
    private <T> T runOn(Server server, SqlWork<T> work) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", seconds(settings.connectTimeout()));
        props.setProperty("loginTimeout", seconds(settings.connectTimeout()));
        props.setProperty("socketTimeout", seconds(settings.requestTimeout()));
        props.setProperty("sslmode", "disable");
        props.setProperty("ApplicationName", "dbkata-balancer");
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), props)) {
            return work.run(connection);
        }
    }

    /** Given: a duration in whole seconds for pgjdbc, rounded up, at least 1. */
    static String seconds(Duration d) {
        return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    /** Given: class 08 (connection exception) or 57P01-57P03 (server shutting down, crashed, starting). */
    static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }
}
