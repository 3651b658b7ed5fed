package dev.dbkata.loadbalancing;

import java.util.List;

/**
 * Active and passive health checks, driven from outside: nothing runs on its own. Each
 * {@link #tick()} is one round of active checks (in production a scheduler calls it every few
 * seconds; the tests call it step by step).
 *
 * <ul>
 *   <li>A check connects to the server and runs a trivial query; it fails when that fails or takes
 *       longer than {@code checkTimeout} (a server that accepts connections and never answers must
 *       not hold a tick up).</li>
 *   <li>A server is ejected after {@code unhealthyThreshold} consecutive failures, failed checks
 *       and failed requests ({@link #requestFailed}) alike; a success in between resets the streak.</li>
 *   <li>An ejected server comes back after {@code healthyThreshold} consecutive successful checks;
 *       a failure in between starts the count again.</li>
 * </ul>
 *
 * <p>Thread-safe. Any threads it starts are stopped by {@link #close()}.
 */
public final class HealthChecker implements Health, AutoCloseable {

    public HealthChecker(List<Server> servers, BalancerSettings settings) {
        throw new UnsupportedOperationException("TODO(health-checks): keep each server's health, and the threads"
                + " that check them");
    }

    /**
     * One round of active checks, every server at once; returns when each has answered or run out
     * of time (within about twice {@code checkTimeout}).
     */
    public void tick() {
        throw new UnsupportedOperationException("TODO(health-checks): check every server, each within checkTimeout");
    }

    @Override
    public boolean isAvailable(Server server) {
        throw new UnsupportedOperationException("TODO(health-checks): whether the server is not ejected");
    }

    /** The servers not ejected, in the order given. */
    public List<Server> available() {
        throw new UnsupportedOperationException("TODO(health-checks): the servers not ejected");
    }

    @Override
    public void requestFailed(Server server) {
        throw new UnsupportedOperationException("TODO(health-checks): count a failure towards ejection");
    }

    @Override
    public void requestSucceeded(Server server) {
        throw new UnsupportedOperationException("TODO(health-checks): a success ends a streak of failures");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO(health-checks): stop the checker's threads");
    }
}
