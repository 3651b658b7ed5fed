package dev.dbkata.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;

/**
 * Bounded waiting for something to become true, with a failure that says what was awaited and
 * what was last seen. Use it instead of sleeping: a sleep is either too short on a slow machine
 * or wasted time on a fast one.
 */
public final class Waits {

    private static final Duration POLL = Duration.ofMillis(20);

    private Waits() {
    }

    /**
     * Waits until {@code condition} returns true.
     *
     * @param what    what is awaited, in words, for the failure message ("replica1 to replay 0/3000060")
     * @throws AssertionError when it is still false after {@code atMost}
     */
    public static void until(String what, Duration atMost, Callable<Boolean> condition) {
        until(what, atMost, condition, Boolean.TRUE::equals);
    }

    /**
     * Polls {@code value} until {@code accepted} holds and returns the accepted value.
     *
     * @throws AssertionError naming the last value seen when time runs out
     */
    public static <T> T until(String what, Duration atMost, Callable<T> value, Predicate<? super T> accepted) {
        AtomicReference<Object> last = new AtomicReference<>("nothing yet");
        try {
            // An exception is a value like any other here: a replica that has not yet replayed a
            // CREATE TABLE answers "relation does not exist" until it has.
            return Awaitility.await(what)
                    .atMost(atMost)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .ignoreExceptions()
                    .until(() -> {
                        try {
                            T seen = value.call();
                            last.set(seen);
                            return seen;
                        } catch (Exception e) {
                            // Awaitility interrupts the poll in flight when time runs out; the
                            // driver's complaint about that interrupt is not what was awaited.
                            if (!causedByInterrupt(e)) {
                                last.set(e.toString());
                            }
                            throw e;
                        }
                    }, accepted::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Gave up after " + format(atMost) + " waiting for " + what
                    + "; last seen: " + last.get(), e);
        }
    }

    /**
     * Waits until {@code assertion} stops throwing.
     *
     * @throws AssertionError with the assertion's last failure when time runs out
     */
    public static void untilAsserted(String what, Duration atMost, ThrowingRunnable assertion) {
        try {
            Awaitility.await(what)
                    .atMost(atMost)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .untilAsserted(assertion);
        } catch (ConditionTimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new AssertionError("Gave up after " + format(atMost) + " waiting for " + what + ": "
                    + cause.getMessage(), e);
        }
    }

    static boolean causedByInterrupt(Throwable failure) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
