package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code kata solution EXERCISE TASK}: the reference's approach for one task, the task's
 * {@code ## } section of the solution's SOLUTION.md; only once the task passes by the learner's
 * last test run ({@link Progress}), never before.
 */
final class SolutionCommand {

    private SolutionCommand() {
    }

    /** The section, or a {@link GradingException} saying why it is not shown. */
    static String show(KataRepository repository, String exercise, String taskId) {
        if (!repository.exercises().contains(exercise)) {
            throw new GradingException("no exercise " + exercise + " (./kata list shows them)");
        }
        TaskCatalog catalog = repository.catalog(exercise);
        if (catalog.exercise().tasks().stream().noneMatch(t -> t.id().equals(taskId))) {
            throw new GradingException(exercise + " has no task " + taskId + "; its tasks are: "
                    + String.join(", ", catalog.exercise().tasks().stream().map(TaskInfo::id).toList()));
        }
        Map<String, Boolean> done = Progress.of(repository, catalog);
        if (!Boolean.TRUE.equals(done.get(taskId))) {
            String state = done.containsKey(taskId) ? "does not pass yet (by your last test run)" : "has not been tested yet";
            throw new NotYet(exercise + " / " + taskId + " " + state + ": the reference's approach is shown once it passes."
                    + " Run ./kata test " + exercise + " " + taskId + "; ./kata hint " + exercise + " " + taskId
                    + " gives a hint meanwhile.");
        }
        Path file = repository.solution(exercise).resolve("SOLUTION.md");
        if (!Files.isRegularFile(file)) {
            throw new GradingException("this repository has no reference solution for " + exercise
                    + " (a bootcamp's copy leaves them out; your mentor has them)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String section = section(text, taskId);
        if (section == null) {
            throw new GradingException("solutions/" + exercise + "/SOLUTION.md has no section for " + taskId);
        }
        return "The reference's approach for " + exercise + " / " + taskId + " (from solutions/" + exercise
                + "/SOLUTION.md):\n\n" + section;
    }

    /** The {@code ## } section whose heading names the task, heading included; null when none. */
    static String section(String markdown, String taskId) {
        Pattern names = Pattern.compile("(^|[^a-z0-9-])" + Pattern.quote(taskId) + "($|[^a-z0-9-])");
        StringBuilder out = null;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("## ")) {
                if (out != null) {
                    break;
                }
                if (names.matcher(line).find()) {
                    out = new StringBuilder();
                }
            }
            if (out != null) {
                out.append(line).append('\n');
            }
        }
        return out == null ? null : out.toString().strip();
    }

    /** Refused because the task has not passed: exit 1, not 2 (the command was fine). */
    static final class NotYet extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotYet(String message) {
            super(message);
        }
    }
}
