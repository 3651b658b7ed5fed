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
 */
public record TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
        String output, java.util.List<ObservedStatement> observed) {

    public TestOutcome {
        observed = observed == null ? java.util.List.of() : java.util.List.copyOf(observed);
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
