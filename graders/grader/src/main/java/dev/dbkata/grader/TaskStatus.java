package dev.dbkata.grader;

import java.util.Locale;

/**
 * How a task (or one of its tests) ended. Ordered from best to worst: a task takes the worst
 * status among its tests, so one timed-out test makes the task a timeout, not a failure.
 */
public enum TaskStatus {
    /** Every test passed: the task earns its points. */
    PASSED,
    /** Disabled or aborted (an assumption did not hold); earns nothing. */
    SKIPPED,
    /** A check failed, or the code under test threw (a skeleton's TODO included). */
    FAILED,
    /** The tests could not judge the code: a compile error, a fair-play violation, a JVM that
     *  exited or crashed, or servers that would not start. */
    ERROR,
    /** A test or the whole exercise ran out of time. */
    TIMEOUT;

    /** The name used in reports: {@code passed}, {@code failed}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskStatus fromKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }

    public TaskStatus worse(TaskStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
