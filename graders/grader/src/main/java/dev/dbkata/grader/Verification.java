package dev.dbkata.grader;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code kata verify}: the proof maintainers need. Every task of every reference solution passes;
 * every task of every skeleton fails, and fails because the learner has work to do (a failed
 * check or a TODO), not because of infrastructure, a timeout or a compile error, and the message
 * the learner sees first is the skeleton's {@code TODO(task-id): ...}. Each exercise's
 * README and HINTS.md name all its tasks, and its solution has a SOLUTION.md.
 */
final class Verification {

    /** How a skeleton's unfinished code starts its message: {@code TODO(task-id): what to build}. */
    static final String TODO = "TODO(";

    private Verification() {
    }

    /** What is wrong, one line each; empty when all is as it should be. */
    static List<String> offenders(KataRepository repository, Report solutions, Report skeletons) {
        List<String> offenders = new ArrayList<>();
        for (ExerciseResult exercise : solutions.exercises()) {
            for (TaskResult task : exercise.tasks()) {
                if (task.earned() != task.task().points()) {
                    offenders.add("solutions/" + exercise.exercise().id() + ": task " + task.task().id() + " is "
                            + task.status().key() + runs(task) + ", the reference must pass it: " + task.message());
                }
            }
        }
        for (ExerciseResult exercise : skeletons.exercises()) {
            for (TaskResult task : exercise.tasks()) {
                if (task.status() != TaskStatus.FAILED) {
                    offenders.add("exercises/" + exercise.exercise().id() + ": task " + task.task().id() + " is "
                            + task.status().key() + " on the skeleton; it must fail because work is left to do"
                            + (task.message() == null ? "" : ": " + task.message()));
                } else if (task.message() == null || !task.message().contains(TODO)) {
                    offenders.add("exercises/" + exercise.exercise().id() + ": task " + task.task().id()
                            + " fails on the skeleton with a check's message, not a " + TODO + "...) that says what to"
                            + " build (the first failing test should reach the TODO first): " + task.message());
                }
            }
            offenders.addAll(RepositoryLayout.documentation(repository, exercise.exercise()));
        }
        return offenders;
    }

    private static String runs(TaskResult task) {
        return task.runs() > 1 ? " (passed " + task.passedRuns() + " of " + task.runs() + " runs)" : "";
    }
}
