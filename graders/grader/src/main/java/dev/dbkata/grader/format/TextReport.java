package dev.dbkata.grader.format;

import java.util.Locale;

import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;

/**
 * The report for a terminal: points by level with a bar, then every exercise and task with the
 * first line of what went wrong and, when that test's code used PostgreSQL, what the database
 * saw.
 */
final class TextReport implements ReportFormat.Renderer {

    private static final int BAR = 20;

    @Override
    public String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nScore by level (%s, backend %s)%n", report.target(), report.backend()));
        report.byLevel().forEach((level, points) -> out.append(String.format(Locale.ROOT, "  %-13s %s%n",
                level.title(), points.possible() == 0 ? "no tasks yet" : line(points))));
        out.append(String.format(Locale.ROOT, "  %-13s %s%n", "Total", line(report.score())));
        for (ExerciseResult exercise : report.exercises()) {
            out.append(String.format(Locale.ROOT, "%n%s  %s (%s)  %d/%d points%n", exercise.exercise().id(),
                    exercise.exercise().title(), exercise.exercise().level().title(), exercise.earned(), exercise.possible()));
            for (TaskResult task : exercise.tasks()) {
                out.append(String.format(Locale.ROOT, "  %-7s %-28s %d/%d  %s%s%n", mark(task), task.task().id(),
                        task.earned(), task.task().points(), runs(task),
                        task.message() == null ? "" : "  " + shorten(task.message(), 160)));
                // One test's SQL per task, that of the test whose message the line shows: a terminal
                // report stays readable; the other formats carry every failing test's.
                ObservedSql.shownTest(task).ifPresent(test -> out.append("          ").append(ObservedSql.heading(test))
                        .append('\n').append(ObservedSql.block(test.observed(), "            ")));
            }
        }
        return out.toString();
    }

    private static String line(Report.Points points) {
        int filled = points.possible() == 0 ? 0 : (int) Math.round(BAR * (double) points.earned() / points.possible());
        return String.format(Locale.ROOT, "%4d/%-4d %5.1f%%  [%s%s]", points.earned(), points.possible(),
                points.percent(), "#".repeat(filled), ".".repeat(BAR - filled));
    }

    private static String mark(TaskResult task) {
        return task.status() == TaskStatus.PASSED && task.earned() > 0 ? "PASS" : task.status().key().toUpperCase(Locale.ROOT);
    }

    private static String runs(TaskResult task) {
        return task.runs() > 1 ? String.format(Locale.ROOT, "(passed %d of %d runs)", task.passedRuns(), task.runs()) : "";
    }

    static String shorten(String text, int max) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }
}
