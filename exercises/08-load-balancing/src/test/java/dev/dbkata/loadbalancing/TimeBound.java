package dev.dbkata.loadbalancing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.function.ThrowingSupplier;

/** Fails a test, instead of hanging it, when the code waits for an answer that never comes. */
final class TimeBound {

    private TimeBound() {
    }

    static <T> T within(Duration bound, String whyItShouldReturn, ThrowingSupplier<T> action) {
        return assertTimeoutPreemptively(bound, action,
                () -> "still waiting after " + bound.toMillis() + " ms: " + whyItShouldReturn);
    }

    static void within(Duration bound, String whyItShouldReturn, Runnable action) {
        within(bound, whyItShouldReturn, () -> {
            action.run();
            return null;
        });
    }
}
