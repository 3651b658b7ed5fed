package dev.dbkata.grader.runner;

import java.util.concurrent.TimeoutException;

import dev.dbkata.testkit.InfrastructureException;

/**
 * Sorts a test's failure into what the report says: the lesson's check failed or the code under
 * test threw ({@code failed}), the test ran out of time ({@code timeout}), or the servers it
 * needs could not be given to it ({@code error}: infrastructure, not the learner's doing).
 */
final class FailureKind {

    private FailureKind() {
    }

    static String of(Throwable failure) {
        if (failure instanceof AssertionError) {
            return "failed";
        }
        if (failure instanceof TimeoutException) {
            // How JUnit's @Timeout and the default timeout end a test.
            return "timeout";
        }
        return isInfrastructure(failure) ? "error" : "failed";
    }

    /**
     * The testkit reports every server it could not start, mend or reset between tests as an
     * {@link InfrastructureException}, possibly wrapped (by JUnit, by an executor, by the code
     * under test).
     */
    static boolean isInfrastructure(Throwable failure) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof InfrastructureException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why a failed test failed, for the grader to choose which test's message a task shows:
     * {@code check} (an assertion of the lesson failed), {@code wait} (a bounded wait gave up:
     * Awaitility's time limit, possibly wrapped in an assertion by the testkit's {@code Waits}), or
     * {@code threw} (the code under test or a later step threw something else).
     */
    static String cause(Throwable failure) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t.getClass().getName().equals("org.awaitility.core.ConditionTimeoutException")) {
                return "wait";
            }
        }
        return failure instanceof AssertionError ? "check" : "threw";
    }

    /** The first line worth showing: the message, or the exception's name when it has none. */
    static String message(Throwable failure) {
        String text = failure.getMessage();
        String name = failure.getClass().getSimpleName();
        if (text == null || text.isBlank()) {
            return name;
        }
        return failure instanceof AssertionError ? text.strip() : name + ": " + text.strip();
    }
}
