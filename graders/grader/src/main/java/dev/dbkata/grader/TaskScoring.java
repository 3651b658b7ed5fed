package dev.dbkata.grader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns test outcomes into task results: a task takes the worst status of its tests, and the
 * message of its most telling failing test (see {@link #mostTelling}); over repeated runs, it
 * counts the runs in which it passed.
 */
final class TaskScoring {

    private TaskScoring() {
    }

    /** Every task of the exercise with the same status and message: used when no test could run. */
    static List<TaskResult> all(ExerciseInfo exercise, TaskStatus status, String message) {
        return exercise.tasks().stream().map(t -> new TaskResult(t, status, message, 0, List.of(), 1, 0)).toList();
    }

    static List<TaskResult> score(TaskCatalog catalog, List<TestOutcome> outcomes) {
        List<TaskResult> results = new ArrayList<>();
        for (TaskInfo task : catalog.exercise().tasks()) {
            List<TestOutcome> tests = outcomes.stream()
                    .filter(o -> catalog.taskOf(o.className()).map(t -> t.id().equals(task.id())).orElse(false))
                    .toList();
            if (tests.isEmpty()) {
                results.add(new TaskResult(task, TaskStatus.ERROR, "no test of this task ran", 0, tests, 1, 0));
                continue;
            }
            TaskStatus status = TaskStatus.PASSED;
            for (TestOutcome test : tests) {
                status = status.worse(test.status());
            }
            String message = null;
            if (status != TaskStatus.PASSED) {
                TestOutcome telling = mostTelling(tests, task.id());
                // The cause first: a long test name must not push it out of a shortened line.
                message = firstLine(telling.message()) + " [" + telling.name() + "]";
            }
            long duration = tests.stream().mapToLong(TestOutcome::durationMs).sum();
            results.add(new TaskResult(task, status, message, duration, tests, 1, status == TaskStatus.PASSED ? 1 : 0));
        }
        return results;
    }

    /**
     * The test whose message explains a task best, among those that did not pass: a {@code TODO(}
     * of the skeleton first (nothing tells more than "not built yet", even when another test
     * caught it and failed a check instead), the task's own {@code TODO(task-id)} before one of an
     * earlier task its tests also need, then a failed check (an assertion in the lesson's
     * words), then a bounded wait that gave up, then an exception the code or a later step threw,
     * then a test that ran out of time, then an error of the servers, then a skipped test. Among equals, the first that ran: an exercise chooses the
     * test that explains a task best by running it first (JUnit's {@code @Order}, see
     * docs/WRITING-TESTS.md). Only the message depends on this, never the task's status.
     */
    static TestOutcome mostTelling(List<TestOutcome> tests, String taskId) {
        // min keeps the first of equals: the one that ran first.
        return tests.stream().filter(t -> t.status() != TaskStatus.PASSED)
                .min(Comparator.comparingInt(t -> tellingRank(t, taskId)))
                .orElseThrow(() -> new IllegalArgumentException("every test passed: no message to show"));
    }

    private static int tellingRank(TestOutcome test, String taskId) {
        if (test.status() == TaskStatus.FAILED && isTodo(test)) {
            return test.message().contains("TODO(" + taskId + ")") ? -2 : -1;
        }
        return switch (test.status()) {
            case FAILED -> test.cause() == null ? 2 : switch (test.cause()) {
                case CHECK -> 0;
                case WAIT -> 1;
                case THREW -> 2;
            };
            case TIMEOUT -> 3;
            case ERROR -> 4;
            case SKIPPED -> 5;
            case PASSED -> 6;
        };
    }

    /**
     * The skeleton's TODO, thrown. A check that caught it quotes it too ("Expecting actual throwable
     * to be an instance of ... but was: ...TODO(..."), and does not count.
     */
    private static boolean isTodo(TestOutcome test) {
        return test.cause() != TestOutcome.Cause.CHECK && test.cause() != TestOutcome.Cause.WAIT
                && test.message() != null && test.message().contains("TODO(");
    }

    /** Folds the results of several runs of one exercise: worst status, runs passed counted. */
    static List<TaskResult> combine(List<List<TaskResult>> runs) {
        List<TaskResult> combined = new ArrayList<>(runs.get(0));
        for (int r = 1; r < runs.size(); r++) {
            for (int t = 0; t < combined.size(); t++) {
                TaskResult sofar = combined.get(t);
                TaskResult next = runs.get(r).get(t);
                // The worst run speaks for the task: its status, its message, its tests.
                TaskResult worst = next.status().ordinal() > sofar.status().ordinal() ? next : sofar;
                combined.set(t, new TaskResult(sofar.task(), worst.status(), worst.message(),
                        sofar.durationMs() + next.durationMs(), worst.tests(), sofar.runs() + next.runs(),
                        sofar.passedRuns() + next.passedRuns()));
            }
        }
        return combined;
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        return text.strip().lines().findFirst().orElse("").strip();
    }
}
