package dev.dbkata.caching;

import java.time.Duration;

/**
 * Counts Redis failures in a row; after enough of them, says "skip Redis" for a while, so that a
 * hanging cache costs a few timeouts in all rather than one per request. After the pause, calls
 * go through again, and the first failure opens it anew.
 */
final class CircuitBreaker {

    private final int failuresToOpen;
    private final long openForNanos;
    private int consecutiveFailures;
    private long openUntilNanos;

    CircuitBreaker(int failuresToOpen, Duration openFor) {
        this.failuresToOpen = failuresToOpen;
        this.openForNanos = openFor.toNanos();
    }

    synchronized boolean allowsCalls() {
        return consecutiveFailures < failuresToOpen || System.nanoTime() - openUntilNanos >= 0;
    }

    synchronized void recordSuccess() {
        consecutiveFailures = 0;
    }

    synchronized void recordFailure() {
        consecutiveFailures++;
        if (consecutiveFailures >= failuresToOpen) {
            openUntilNanos = System.nanoTime() + openForNanos;
        }
    }
}
