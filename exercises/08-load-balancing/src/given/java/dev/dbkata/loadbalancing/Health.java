package dev.dbkata.loadbalancing;

/**
 * What the balancer knows about the servers' health, and how it tells what it saw: active checks
 * (a {@link HealthChecker} probing each server) and passive ones (requests that failed or
 * succeeded) meet here.
 *
 * <p>Thread-safe: the balancer's request threads call it concurrently.
 */
public interface Health {

    /** Whether {@code server} may take requests (it has not been ejected). */
    boolean isAvailable(Server server);

    /** A request could not reach {@code server} or lost its connection to it (passive check). */
    void requestFailed(Server server);

    /** A request completed on {@code server} (passive check). */
    void requestSucceeded(Server server);

    /** No health checking at all: every server is always available. */
    static Health everyServerUp() {
        return new Health() {
            @Override
            public boolean isAvailable(Server server) {
                return true;
            }

            @Override
            public void requestFailed(Server server) {
            }

            @Override
            public void requestSucceeded(Server server) {
            }
        };
    }
}
