package dev.dbkata.loadbalancing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Active and passive health checks. Nothing runs on its own: each {@link #tick()} is one round of
 * active checks (a scheduler calls it every few seconds in production; tests call it step by step).
 * A server is ejected after {@code unhealthyThreshold} consecutive failures, checks and requests
 * alike, and comes back after {@code healthyThreshold} consecutive successful checks.
 *
 * <p>Thread-safe. Checks run on threads of its own, stopped by {@link #close()}.
 */
public final class HealthChecker implements Health, AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final List<Server> servers;
    private final BalancerSettings settings;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final ExecutorService checks;

    public HealthChecker(List<Server> servers, BalancerSettings settings) {
        this.servers = List.copyOf(servers);
        this.settings = settings;
        for (Server server : this.servers) {
            states.put(server.name(), new State());
        }
        int id = INSTANCES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.checks = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "health-check-" + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One round of active checks: every server at once, each bounded by {@code checkTimeout}.
     * Returns when every check has answered or run out of time; a check out of time has failed.
     */
    public void tick() {
        List<Future<Boolean>> results = new ArrayList<>();
        for (Server server : servers) {
            results.add(checks.submit(() -> check(server)));
        }
        long deadline = System.nanoTime() + settings.checkTimeout().toNanos() * 2;
        for (int i = 0; i < servers.size(); i++) {
            Server server = servers.get(i);
            Future<Boolean> result = results.get(i);
            boolean healthy;
            try {
                healthy = result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                result.cancel(true);
                healthy = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.forEach(r -> r.cancel(true));
                return;
            }
            State state = states.get(server.name());
            if (healthy) {
                state.checkSucceeded(settings);
            } else {
                state.failed(settings);
            }
        }
    }

    @Override
    public boolean isAvailable(Server server) {
        return !state(server).isEjected();
    }

    /** The servers not ejected, in the order given. */
    public List<Server> available() {
        return servers.stream().filter(this::isAvailable).toList();
    }

    @Override
    public void requestFailed(Server server) {
        state(server).failed(settings);
    }

    @Override
    public void requestSucceeded(Server server) {
        state(server).requestSucceeded();
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }

    private State state(Server server) {
        State state = states.get(server.name());
        if (state == null) {
            throw new IllegalArgumentException("no server named " + server.name());
        }
        return state;
    }

    private boolean check(Server server) {
        Properties props = new Properties();
        String timeout = LoadBalancer.seconds(settings.checkTimeout());
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", timeout);
        props.setProperty("loginTimeout", timeout);
        props.setProperty("socketTimeout", timeout);
        props.setProperty("sslmode", "disable");
        props.setProperty("ApplicationName", "dbkata-health-check");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), props);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    /** One server's health: ejected or not, and the current streak. */
    private static final class State {
        private boolean ejected;
        private int failures;
        private int successes;

        synchronized boolean isEjected() {
            return ejected;
        }

        synchronized void failed(BalancerSettings settings) {
            successes = 0;
            failures++;
            if (!ejected && failures >= settings.unhealthyThreshold()) {
                ejected = true;
            }
        }

        synchronized void checkSucceeded(BalancerSettings settings) {
            failures = 0;
            if (ejected) {
                successes++;
                if (successes >= settings.healthyThreshold()) {
                    ejected = false;
                    successes = 0;
                }
            }
        }

        synchronized void requestSucceeded() {
            failures = 0;
        }
    }
}
