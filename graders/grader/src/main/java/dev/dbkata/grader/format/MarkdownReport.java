package dev.dbkata.grader.format;

import java.util.Locale;

import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;

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
        }
        out.append(String.format(Locale.ROOT, "%n<sub>target: %s · backend: %s</sub>%n", report.target(), report.backend()));
        return out.toString();
    }

    private static String status(TaskResult task) {
        String word = task.status() == TaskStatus.PASSED ? "✅ passed" : "❌ " + task.status().key();
        return task.runs() > 1 ? word + String.format(Locale.ROOT, " (%d/%d runs)", task.passedRuns(), task.runs()) : word;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
