package dev.dbkata.grader;

/**
 * One test's result as the exercise's JVM reported it (or as the grader concluded when the JVM
 * never got to it).
 *
 * @param className the test class, {@code Outer$Nested} for nested classes
 * @param name      the test's display name
 * @param message   why it did not pass (full text), or null
 * @param output    what the test printed, or empty
 * @param observed  the SQL the learner's code sent during the test, per node in order (the last
 *                  statements only; empty when the test passed or used no database)
 * @param method    the Java method that declares the test, or empty when the run did not say
 * @param testCode  that method's source, as the exercise's test class has it, or empty when unknown
 * @param cause     for a {@link TaskStatus#FAILED failed} test, what failed: a check, a bounded wait
 *                  that gave up, or something the code (or a later step) threw; null when unknown
 *                  or when the test did not fail. It decides which test's message a task shows
 *                  ({@link TaskScoring}), never the task's status
 */
public record TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
        String output, java.util.List<ObservedStatement> observed, String method, String testCode, Cause cause) {

    /** What made a failed test fail, from the most telling to the least. */
    public enum Cause {
        /** An assertion of the lesson failed: it says what is wrong in the lesson's words. */
        CHECK,
        /** A bounded wait gave up: it says what never happened, seldom why. */
        WAIT,
        /** The code under test, or a step of the test after the mistake, threw. */
        THREW;

        /** The runner's word for it ({@code check}, {@code wait}, {@code threw}); null for anything else. */
        static Cause fromKey(String key) {
            for (Cause cause : values()) {
                if (cause.name().equalsIgnoreCase(key)) {
                    return cause;
                }
            }
            return null;
        }
    }

    public TestOutcome {
        observed = observed == null ? java.util.List.of() : java.util.List.copyOf(observed);
        method = method == null ? "" : method;
        testCode = testCode == null ? "" : testCode;
    }

    /** A result without a known cause. */
    public TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
            String output, java.util.List<ObservedStatement> observed, String method, String testCode) {
        this(className, name, status, message, durationMs, output, observed, method, testCode, null);
    }

    /** A result without the test's method and source. */
    public TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
            String output, java.util.List<ObservedStatement> observed, Cause cause) {
        this(className, name, status, message, durationMs, output, observed, "", "", cause);
    }

    /** The same result, with the test method's source. */
    public TestOutcome withTestCode(String code) {
        return new TestOutcome(className, name, status, message, durationMs, output, observed, method, code, cause);
    }

    /** A result without the test's method and source, nor a known cause. */
    public TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
            String output, java.util.List<ObservedStatement> observed) {
        this(className, name, status, message, durationMs, output, observed, "", "", null);
    }

    /** A result without observed statements. */
    public TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
            String output) {
        this(className, name, status, message, durationMs, output, java.util.List.of());
    }

    public boolean passed() {
        return status == TaskStatus.PASSED;
    }
}
