package dev.dbkata.replication;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * Fails a test, instead of hanging it, when the router waits for something that never comes: a
 * frozen server's answer, a paused replica's replay.
 */
final class TimeBound {

    private TimeBound() {
    }

    /**
     * Runs {@code action} in a thread of its own and fails once {@code bound} has passed.
     *
     * @param whyItShouldReturn the lesson for the failure message: why the router must not wait longer
     */
    static <T> T within(Duration bound, String whyItShouldReturn, ThrowingSupplier<T> action) {
        return assertTimeoutPreemptively(bound, action,
                () -> "the router was still waiting after " + bound.toMillis() + " ms: " + whyItShouldReturn);
    }
}
