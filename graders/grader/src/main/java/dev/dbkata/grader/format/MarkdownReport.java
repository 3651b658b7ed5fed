package dev.dbkata.grader.format;

import java.util.Locale;

import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;
import dev.dbkata.grader.TestOutcome;

/** The report as GitHub-flavoured Markdown, for a CI step summary or a pull-request comment. */
final class MarkdownReport implements ReportFormat.Renderer {

    @Override
    public String render(Report report) {
        Report.Points score = report.score();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "## Database Scaling Kata: %d/%d points (%.1f%%)%n%n", score.earned(),
                score.possible(), score.percent()));
        out.append("| Level | Points | Percent |\n|---|---:|---:|\n");
        report.byLevel().forEach((level, points) -> out.append(String.format(Locale.ROOT, "| %s | %d/%d | %s |%n",
                level.title(), points.earned(), points.possible(),
                points.possible() == 0 ? "–" : String.format(Locale.ROOT, "%.1f%%", points.percent()))));
        for (ExerciseResult exercise : report.exercises()) {
            out.append(String.format(Locale.ROOT, "%n### %s — %s (%s): %d/%d%n%n", exercise.exercise().id(),
                    cell(exercise.exercise().title()), exercise.exercise().level().title(), exercise.earned(),
                    exercise.possible()));
            out.append("| Task | Level | Points | Status | First problem |\n|---|---|---:|---|---|\n");
            for (TaskResult task : exercise.tasks()) {
                out.append(String.format(Locale.ROOT, "| `%s` %s | %s | %d/%d | %s | %s |%n", task.task().id(),
                        cell(task.task().title()), task.task().level().title(), task.earned(), task.task().points(),
                        status(task), task.message() == null ? "" : cell(TextReport.shorten(task.message(), 200))));
            }
            for (TaskResult task : exercise.tasks()) {
                for (TestOutcome test : ObservedSql.failingWithSql(task)) {
                    String block = ObservedSql.block(test.observed(), "");
                    String fence = fence(block);
                    out.append("\n<details><summary>").append(ObservedSql.TITLE).append(" during <code>")
                            .append(html(task.task().id())).append("</code> / ").append(html(test.name()))
                            .append(" (the SQL your code sent, oldest first)</summary>\n\n")
                            .append(fence).append("sql\n").append(block).append(fence).append("\n\n</details>\n");
                }
            }
        }
        out.append(String.format(Locale.ROOT, "%n<sub>target: %s · backend: %s</sub>%n", report.target(), report.backend()));
        return out.toString();
    }

    private static String status(TaskResult task) {
        String word = task.status() == TaskStatus.PASSED ? "✅ passed" : "❌ " + task.status().key();
        return task.runs() > 1 ? word + String.format(Locale.ROOT, " (%d/%d runs)", task.passedRuns(), task.runs()) : word;
    }

    /** A code fence longer than any run of backticks in {@code text}. */
    private static String fence(String text) {
        int longest = 0;
        int run = 0;
        for (char c : text.toCharArray()) {
            run = c == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return "`".repeat(Math.max(3, longest + 1));
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
