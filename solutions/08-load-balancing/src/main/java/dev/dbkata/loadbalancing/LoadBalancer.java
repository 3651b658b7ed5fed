package dev.dbkata.loadbalancing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application-level (L7) balancer: each request is one unit of work, run on a connection to the
 * server a {@link Picker} chose among the servers that are available and not draining.
 *
 * <p>Thread-safe: many request threads share one balancer.
 */
public final class LoadBalancer {

    private final List<Server> servers;
    private final Picker picker;
    private final Health health;
    private final BalancerSettings settings;
    private final Map<String, AtomicInteger> outstanding = new LinkedHashMap<>();
    private final Set<String> draining = ConcurrentHashMap.newKeySet();

    public LoadBalancer(List<Server> servers, Picker picker, Health health, BalancerSettings settings) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a balancer needs at least one server");
        }
        this.servers = List.copyOf(servers);
        this.picker = picker;
        this.health = health;
        this.settings = settings;
        for (Server server : this.servers) {
            if (outstanding.put(server.name(), new AtomicInteger()) != null) {
                throw new IllegalArgumentException("two servers are named " + server.name());
            }
        }
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
        int attempts = idempotence == Idempotence.IDEMPOTENT ? 2 : 1;
        Set<Server> tried = new HashSet<>();
        SQLException failure = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            Server server = acquire(tried);
            if (server == null) {
                break;
            }
            tried.add(server);
            try {
                T result = runOn(server, work);
                health.requestSucceeded(server);
                return result;
            } catch (SQLException e) {
                if (!isConnectionFailure(e)) {
                    health.requestSucceeded(server);
                    throw e;
                }
                health.requestFailed(server);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            } finally {
                outstanding.get(server.name()).decrementAndGet();
            }
        }
        throw failure != null ? failure
                : new SQLException("no server can take the request: every one is ejected, draining or already tried",
                        "08001");
    }

    /**
     * Requests running on {@code serverName} now: started and not yet finished.
     *
     * @throws IllegalArgumentException for a name that is none of the servers'
     */
    public int outstanding(String serverName) {
        AtomicInteger count = outstanding.get(serverName);
        if (count == null) {
            throw new IllegalArgumentException("no server named " + serverName);
        }
        return count.get();
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
        AtomicInteger count = outstanding.get(serverName);
        if (count == null) {
            throw new IllegalArgumentException("no server named " + serverName);
        }
        draining.add(serverName);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException(serverName + " still runs " + count.get() + " request(s) after " + timeout);
            }
            Thread.sleep(2);
        }
    }

    /**
     * Puts a drained server back: it takes new requests again. Does nothing to a server that is not
     * draining.
     *
     * @throws IllegalArgumentException for a name that is none of the servers'
     */
    public void undrain(String serverName) {
        if (!outstanding.containsKey(serverName)) {
            throw new IllegalArgumentException("no server named " + serverName);
        }
        draining.remove(serverName);
    }

    /** Chooses a server and counts the request on it, or null when no candidate is left. */
    private Server acquire(Set<Server> tried) {
        while (true) {
            List<Server> candidates = new ArrayList<>();
            for (Server server : servers) {
                if (!tried.contains(server) && !draining.contains(server.name()) && health.isAvailable(server)) {
                    candidates.add(server);
                }
            }
            if (candidates.isEmpty()) {
                return null;
            }
            Server chosen = picker.pick(candidates, s -> outstanding.get(s.name()).get());
            AtomicInteger count = outstanding.get(chosen.name());
            count.incrementAndGet();
            // drain() marks first, then waits for zero; counting first, then checking the mark,
            // means a request either sees the mark or is waited for: none slips past a drain.
            if (!draining.contains(chosen.name())) {
                return chosen;
            }
            count.decrementAndGet();
        }
    }

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

    static String seconds(Duration d) {
        return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    /** Class 08 (connection exception) or 57P01-57P03 (server shutting down, crashed, starting). */
    static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }
}
