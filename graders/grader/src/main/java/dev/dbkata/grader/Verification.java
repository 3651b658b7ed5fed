package dev.dbkata.grader;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kata verify}: the proof maintainers need. Every task of every reference solution passes;
 * every task of every skeleton fails, and fails because the learner has work to do (a failed
 * check or a TODO), not because of infrastructure, a timeout or a compile error. Each exercise's
 * README and HINTS.md name all its tasks, and its solution has a SOLUTION.md.
 */
final class Verification {

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
                }
            }
            offenders.addAll(documentation(repository, exercise.exercise()));
        }
        return offenders;
    }

    private static List<String> documentation(KataRepository repository, ExerciseInfo exercise) {
        List<String> problems = new ArrayList<>();
        String id = exercise.id();
        for (String untasked : repository.catalog(id).untaskedTestClasses()) {
            problems.add("exercises/" + id + ": " + untasked + " has tests but no @Task, so they count for nothing");
        }
        for (String file : List.of("README.md", "HINTS.md")) {
            String text = read(repository.exercise(id).resolve(file));
            if (text == null) {
                problems.add("exercises/" + id + ": no " + file);
                continue;
            }
            for (TaskInfo task : exercise.tasks()) {
                if (!text.contains(task.id())) {
                    problems.add("exercises/" + id + "/" + file + " does not mention task " + task.id());
                }
            }
        }
        if (!Files.isRegularFile(repository.solution(id).resolve("SOLUTION.md"))) {
            problems.add("solutions/" + id + ": no SOLUTION.md");
        }
        return problems;
    }

    private static String runs(TaskResult task) {
        return task.runs() > 1 ? " (passed " + task.passedRuns() + " of " + task.runs() + " runs)" : "";
    }

    private static String read(java.nio.file.Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
