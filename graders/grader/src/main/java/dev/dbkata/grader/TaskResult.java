package dev.dbkata.grader;

import java.util.List;

/**
 * How a task did.
 *
 * @param status     the worst status of its tests (over all runs with {@code --repeat})
 * @param message    the first line of the first problem, or null when passed
 * @param tests      its tests' outcomes in the last run
 * @param runs       how many times the exercise ran ({@code --repeat}, else 1)
 * @param passedRuns in how many of those runs every test of the task passed
 */
public record TaskResult(TaskInfo task, TaskStatus status, String message, long durationMs, List<TestOutcome> tests,
        int runs, int passedRuns) {

    /** Points are earned only when the task passed in every run: flaky work earns nothing. */
    public int earned() {
        return status == TaskStatus.PASSED && passedRuns == runs ? task.points() : 0;
    }
}
