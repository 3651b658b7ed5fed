package dev.dbkata.replication;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of a {@link ReplicaRouter}. Immutable; change one with its {@code with...} method.
 *
 * @param maxLagBytes        a replica more than this many bytes of WAL behind the primary takes no
 *                           plain reads ({@code lag-aware-reads})
 * @param lagCheckInterval   how old a lag measurement may be before the router measures again
 * @param connectTimeout     how long to wait for a server to accept a connection and log in
 *                           ({@code replica-failure}); whole seconds, at least 1
 * @param socketTimeout      how long to wait for any answer on an open connection before giving
 *                           it up; whole seconds, at least 1. It bounds every query too, so keep it
 *                           above the slowest legitimate statement
 * @param readYourWritesWait how long a read with a {@link CommitToken} may wait for a replica to
 *                           replay up to it before it goes to the primary
 * @param retryDownAfter     how long a replica that failed stays out of the rotation before the
 *                           router tries it again
 */
public record RouterSettings(long maxLagBytes, Duration lagCheckInterval, Duration connectTimeout,
        Duration socketTimeout, Duration readYourWritesWait, Duration retryDownAfter) {

    public RouterSettings {
        if (maxLagBytes < 0) {
            throw new IllegalArgumentException("maxLagBytes must be 0 or more, not " + maxLagBytes);
        }
        requireNotNegative("lagCheckInterval", lagCheckInterval);
        requireAtLeastOneSecond("connectTimeout", connectTimeout);
        requireAtLeastOneSecond("socketTimeout", socketTimeout);
        requireNotNegative("readYourWritesWait", readYourWritesWait);
        requireNotNegative("retryDownAfter", retryDownAfter);
    }

    /** 1 MB of lag, measured at most every second; 2 s timeouts; 1 s read-your-writes wait; 5 s out of rotation. */
    public static RouterSettings defaults() {
        return new RouterSettings(1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    public RouterSettings withMaxLagBytes(long bytes) {
        return new RouterSettings(bytes, lagCheckInterval, connectTimeout, socketTimeout, readYourWritesWait, retryDownAfter);
    }

    public RouterSettings withLagCheckInterval(Duration interval) {
        return new RouterSettings(maxLagBytes, interval, connectTimeout, socketTimeout, readYourWritesWait, retryDownAfter);
    }

    public RouterSettings withTimeouts(Duration connect, Duration socket) {
        return new RouterSettings(maxLagBytes, lagCheckInterval, connect, socket, readYourWritesWait, retryDownAfter);
    }

    public RouterSettings withReadYourWritesWait(Duration wait) {
        return new RouterSettings(maxLagBytes, lagCheckInterval, connectTimeout, socketTimeout, wait, retryDownAfter);
    }

    public RouterSettings withRetryDownAfter(Duration after) {
        return new RouterSettings(maxLagBytes, lagCheckInterval, connectTimeout, socketTimeout, readYourWritesWait, after);
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, not " + value);
        }
    }

    // The PostgreSQL driver takes its timeouts in whole seconds, and 0 would mean "wait forever".
    private static void requireAtLeastOneSecond(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException(name + " must be a whole number of seconds, at least 1, not " + value);
        }
    }
}
