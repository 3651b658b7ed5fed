package dev.dbkata.loadbalancing;

import java.time.Duration;
import java.util.Objects;

/**
 * The balancer's knobs.
 *
 * @param connectTimeout     how long opening a connection to a server may take, login included
 *                           (pgjdbc's {@code connectTimeout} and {@code loginTimeout}, whole seconds,
 *                           at least 1)
 * @param requestTimeout     how long a request may wait for an answer (pgjdbc's {@code socketTimeout})
 * @param checkTimeout       how long one active health check of one server may take, from
 *                           connecting to its answer; a check that takes longer has failed
 * @param unhealthyThreshold consecutive failures (checks or requests) that eject a server
 * @param healthyThreshold   consecutive successful checks that bring an ejected server back
 */
public record BalancerSettings(Duration connectTimeout, Duration requestTimeout, Duration checkTimeout,
        int unhealthyThreshold, int healthyThreshold) {

    public BalancerSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(checkTimeout, "checkTimeout");
        for (Duration d : new Duration[] {connectTimeout, requestTimeout, checkTimeout}) {
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("timeouts are whole seconds, at least 1 s (pgjdbc's unit), not " + d);
            }
        }
        if (unhealthyThreshold < 1 || healthyThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1, not " + unhealthyThreshold + " and "
                    + healthyThreshold);
        }
    }

    /** 2 s to connect, 10 s per request, 1 s per check; out after 2 failures, back after 3 good checks. */
    public static BalancerSettings defaults() {
        return new BalancerSettings(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(1), 2, 3);
    }

    public BalancerSettings withThresholds(int unhealthy, int healthy) {
        return new BalancerSettings(connectTimeout, requestTimeout, checkTimeout, unhealthy, healthy);
    }

    public BalancerSettings withCheckTimeout(Duration timeout) {
        return new BalancerSettings(connectTimeout, requestTimeout, timeout, unhealthyThreshold, healthyThreshold);
    }
}
