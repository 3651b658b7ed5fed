package dev.dbkata.grader.format;

import java.util.List;

import dev.dbkata.grader.ObservedStatement;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TestOutcome;

/**
 * What the database saw during a failing test, as the text formats write it: per node, a heading
 * with its name and role, then its statements oldest first, indented. Statements that span lines
 * (multi-line SQL, the {@code -- parameters:} and {@code -- failed:} notes) keep their lines.
 */
final class ObservedSql {

    static final String TITLE = "What the database saw";

    private ObservedSql() {
    }

    /** The task's tests that did not pass and have observed statements, in order. */
    static List<TestOutcome> failingWithSql(TaskResult task) {
        return task.tests().stream().filter(t -> !t.passed() && !t.observed().isEmpty()).toList();
    }

    /**
     * The failing test with observed SQL whose message the task's line shows (the message ends
     * with {@code [test name]}), else the first failing test with observed SQL.
     */
    static java.util.Optional<TestOutcome> shownTest(TaskResult task) {
        List<TestOutcome> failing = failingWithSql(task);
        String message = task.message() == null ? "" : task.message();
        return failing.stream().filter(t -> message.endsWith("[" + t.name() + "]")).findFirst()
                .or(() -> failing.stream().findFirst());
    }

    /** The statements grouped by node, each line starting with {@code indent}. */
    static String block(List<ObservedStatement> statements, String indent) {
        StringBuilder out = new StringBuilder();
        String node = null;
        for (ObservedStatement s : statements) {
            if (!s.node().equals(node)) {
                node = s.node();
                out.append(indent).append(s.node()).append(" (").append(s.role()).append("):\n");
            }
            for (String line : s.sql().split("\n", -1)) {
                out.append(indent).append("  ").append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The heading for one test: {@code What the database saw during NAME (the SQL your code sent, oldest first):}. */
    static String heading(TestOutcome test) {
        return TITLE + " during " + test.name() + " (the SQL your code sent, oldest first):";
    }
}
