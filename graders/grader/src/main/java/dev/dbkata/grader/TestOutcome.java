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
 */
public record TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
        String output, java.util.List<ObservedStatement> observed, String method, String testCode) {

    public TestOutcome {
        observed = observed == null ? java.util.List.of() : java.util.List.copyOf(observed);
        method = method == null ? "" : method;
        testCode = testCode == null ? "" : testCode;
    }

    /** A result without the test's method and source. */
    public TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
            String output, java.util.List<ObservedStatement> observed) {
        this(className, name, status, message, durationMs, output, observed, "", "");
    }

    /** The same result, with the test method's source. */
    public TestOutcome withTestCode(String code) {
        return new TestOutcome(className, name, status, message, durationMs, output, observed, method, code);
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
