package dev.dbkata.grader;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code kata test} and {@code kata watch} print: a line per test as it finishes (a tick or
 * a cross and the test's name), each failure's message in full with what the database saw, then
 * a line per task and the next step. Plain ASCII marks where the terminal is not UTF-8.
 */
final class LoopOutput {

    /** The marks used: the terminal's UTF-8 ones, or ASCII. */
    record Marks(String pass, String fail, String skip) {

        static final Marks UNICODE = new Marks("\u2713", "\u2717", "-");
        static final Marks ASCII = new Marks("+", "x", "-");

        /** UTF-8 when the locale says so ({@code LC_ALL}, else {@code LC_CTYPE}, else {@code LANG}), unless {@code KATA_ASCII} is set. */
        static Marks forLocale(Map<String, String> env) {
            if (env.get("KATA_ASCII") != null && !env.get("KATA_ASCII").isEmpty()) {
                return ASCII;
            }
            for (String variable : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
                String value = env.get(variable);
                if (value != null && !value.isEmpty()) {
                    String lower = value.toLowerCase(Locale.ROOT);
                    return lower.contains("utf-8") || lower.contains("utf8") ? UNICODE : ASCII;
                }
            }
            return ASCII;
        }
    }

    /** The most statements shown per failing test, the last ones (as sent). */
    static final int OBSERVED_SHOWN = 30;
    private static final String INDENT = "      ";

    private final PrintStream out;
    private final Marks marks;
    private final boolean verbose;
    private String lastTask;

    LoopOutput(PrintStream out, Marks marks, boolean verbose) {
        this.out = out;
        this.marks = marks;
        this.verbose = verbose;
    }

    PrintStream stream() {
        return out;
    }

    void header(ExerciseInfo exercise, Optional<TaskInfo> task) {
        lastTask = null;
        if (task.isPresent()) {
            out.printf(Locale.ROOT, "%s / %s: %s (%d %s)%n", exercise.id(), task.get().id(), task.get().title(),
                    task.get().points(), task.get().points() == 1 ? "point" : "points");
        } else {
            out.printf(Locale.ROOT, "%s: %s (%d tasks, %d points)%n", exercise.id(), exercise.title(),
                    exercise.tasks().size(), exercise.possiblePoints());
        }
        out.flush();
    }

    /** One finished test; {@code task} is shown as a sub-heading when it changes (whole-exercise runs). */
    void test(TestOutcome test, Optional<TaskInfo> task, boolean showTaskHeadings) {
        if (showTaskHeadings) {
            String id = task.map(TaskInfo::id).orElse("(no task)");
            if (!id.equals(lastTask)) {
                out.println(" " + id);
                lastTask = id;
            }
        }
        String mark = switch (test.status()) {
            case PASSED -> marks.pass();
            case SKIPPED -> marks.skip();
            default -> marks.fail();
        };
        String timing = verbose ? String.format(Locale.ROOT, "  (%d ms)", test.durationMs()) : "";
        out.println("  " + mark + " " + name(test) + timing);
        if (!test.passed()) {
            String message = test.message() == null || test.message().isBlank() ? test.status().key() : test.message();
            if (test.status() == TaskStatus.SKIPPED) {
                message = "skipped: " + message;
            } else if (test.status() == TaskStatus.TIMEOUT) {
                message = "ran out of time: " + message;
            }
            indented(message, INDENT);
            observed(test.observed());
            if (verbose && !test.output().isBlank()) {
                out.println(INDENT + "printed:");
                indented(test.output(), INDENT + "  ");
            }
        }
        out.flush();
    }

    /** The statements a failing test's code sent, per node, oldest first, at most {@value #OBSERVED_SHOWN}. */
    private void observed(List<ObservedStatement> statements) {
        if (statements.isEmpty()) {
            return;
        }
        List<ObservedStatement> shown = statements.size() > OBSERVED_SHOWN
                ? statements.subList(statements.size() - OBSERVED_SHOWN, statements.size()) : statements;
        out.println(INDENT + "What the database saw from your code"
                + (shown.size() < statements.size() ? " (the last " + shown.size() + " of " + statements.size() + " statements)" : "")
                + ":");
        String node = null;
        for (ObservedStatement statement : shown) {
            String where = statement.node() + (statement.role().isBlank() || statement.role().equals(statement.node())
                    ? "" : " (" + statement.role() + ")");
            if (!where.equals(node)) {
                out.println(INDENT + "  " + where + ":");
                node = where;
            }
            indented(statement.sql().strip(), INDENT + "    ");
        }
    }

    private void indented(String text, String indent) {
        text.strip().lines().forEach(line -> out.println(line.isBlank() ? "" : indent + line.stripTrailing()));
    }

    /** A line per task: mark, id, tests passed, points. */
    void summary(List<TaskResult> tasks) {
        out.println();
        for (TaskResult task : tasks) {
            long passed = task.tests().stream().filter(TestOutcome::passed).count();
            String mark = task.earned() > 0 ? marks.pass() : marks.fail();
            String detail = task.tests().isEmpty() ? (task.message() == null ? "no test ran" : task.message())
                    : String.format(Locale.ROOT, "%d of %d tests pass", passed, task.tests().size());
            out.printf(Locale.ROOT, "%s %-28s %-22s %d/%d points%n", mark, task.task().id(), detail, task.earned(),
                    task.task().points());
        }
    }

    /** Why no test ran (a compile error, a fair-play rule), in full. */
    void problem(String problem) {
        out.println("  " + marks.fail() + " the tests did not run:");
        indented(problem, "    ");
    }

    void warning(String warning) {
        out.println("  note: " + warning);
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** The test's display name; a bare method name loses its parameter list. */
    static String name(TestOutcome test) {
        String name = test.name();
        return name.matches("[\\p{javaJavaIdentifierPart}]+\\(.*\\)") ? name.substring(0, name.indexOf('(')) : name;
    }
}
