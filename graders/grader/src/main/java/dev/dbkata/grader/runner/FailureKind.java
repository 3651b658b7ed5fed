package dev.dbkata.grader.runner;

import java.util.concurrent.TimeoutException;

/**
 * Sorts a test's failure into what the report says: the lesson's check failed or the code under
 * test threw ({@code failed}), the test ran out of time ({@code timeout}), or the servers it
 * needs could not be given to it ({@code error}: infrastructure, not the learner's doing).
 */
final class FailureKind {

    private static final String TESTKIT = "dev.dbkata.testkit.";

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

    /** Thrown by the testkit's own exceptions, or while the extension starts or mends servers. */
    static boolean isInfrastructure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith(TESTKIT)) {
                return true;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith(TESTKIT + "DatabaseExtension")
                        || frame.getClassName().startsWith(TESTKIT + "TopologyHolder")) {
                    return true;
                }
            }
        }
        return false;
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
