package dev.dbkata.grader.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;
import dev.dbkata.grader.TestOutcome;

/**
 * Exercism's test-runner {@code results.json}, version 3: a top-level status ({@code pass},
 * {@code fail}, or {@code error} when tests could not run, with a message), and per test its
 * name, status, message, output (at most 500 characters), {@code test_code} (the test method's
 * source, from the exercise's test class) and {@code task_id}: the task's number, 1-based, in its
 * exercise's README order. A failing test's message ends with what the database saw (the SQL the
 * learner's code sent), when there is any. With several exercises graded, test names start with
 * the exercise's id.
 */
final class ExercismReport implements ReportFormat.Renderer {

    static final int OUTPUT_LIMIT = 500;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String render(Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 3);
        ArrayNode tests = JSON.createArrayNode();
        boolean allPassed = true;
        StringBuilder problems = new StringBuilder();
        boolean several = report.exercises().size() > 1;
        for (ExerciseResult exercise : report.exercises()) {
            if (exercise.problem() != null && exercise.tasks().stream().allMatch(t -> t.tests().isEmpty())) {
                problems.append(problems.length() > 0 ? "\n" : "").append(exercise.exercise().id()).append(": ")
                        .append(exercise.problem());
            }
            int taskNumber = 0;
            for (TaskResult task : exercise.tasks()) {
                taskNumber++;
                allPassed &= task.earned() > 0;
                for (TestOutcome test : task.tests()) {
                    ObjectNode t = tests.addObject();
                    String prefix = several ? exercise.exercise().id() + " / " : "";
                    t.put("name", prefix + task.task().title() + " / " + test.name());
                    t.put("status", status(test.status()));
                    if (!test.passed()) {
                        String message = test.message() == null ? test.status().key() : test.message();
                        if (!test.observed().isEmpty()) {
                            message += "\n\n" + ObservedSql.heading(test) + "\n" + ObservedSql.block(test.observed(), "  ");
                        }
                        t.put("message", message);
                    }
                    if (!test.testCode().isEmpty()) {
                        t.put("test_code", test.testCode());
                    }
                    if (!test.output().isEmpty()) {
                        t.put("output", capped(test.output()));
                    }
                    t.put("task_id", taskNumber);
                }
            }
        }
        if (problems.length() > 0) {
            root.put("status", "error");
            root.put("message", problems.toString());
        } else {
            root.put("status", allPassed ? "pass" : "fail");
        }
        root.set("tests", tests);
        try {
            return JSON.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String status(TaskStatus status) {
        return switch (status) {
            case PASSED -> "pass";
            case FAILED, SKIPPED -> "fail";
            default -> "error";
        };
    }

    static String capped(String output) {
        if (output.length() <= OUTPUT_LIMIT) {
            return output;
        }
        String note = "\n[output cut at " + OUTPUT_LIMIT + " characters]";
        return output.substring(0, OUTPUT_LIMIT - note.length()) + note;
    }
}
