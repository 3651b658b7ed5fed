package dev.dbkata.grader;

/**
 * One test's result as the exercise's JVM reported it (or as the grader concluded when the JVM
 * never got to it).
 *
 * @param className the test class, {@code Outer$Nested} for nested classes
 * @param name      the test's display name
 * @param message   why it did not pass (full text), or null
 * @param output    what the test printed, or empty
 */
public record TestOutcome(String className, String name, TaskStatus status, String message, long durationMs,
        String output) {

    public boolean passed() {
        return status == TaskStatus.PASSED;
    }
}
