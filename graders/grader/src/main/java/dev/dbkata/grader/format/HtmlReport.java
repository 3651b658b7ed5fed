package dev.dbkata.grader.format;

import java.util.List;
import java.util.Locale;

import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.ObservedStatement;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;
import dev.dbkata.grader.TestOutcome;

/**
 * One self-contained HTML page (inline style, no script, nothing fetched): the score per level,
 * every exercise's tasks with their status, and for each test that did not pass its full message
 * and the SQL the learner's code sent during it, per node. Each unfinished task links to its
 * hints: {@code exercises/ID/HINTS.md} relative to the page, or under the address in the system
 * property {@code kata.hints.url} (such as {@code https://github.com/bootcamp/kata/blob/main/}).
 */
public final class HtmlReport implements ReportFormat.Renderer {

    private final String hintsBase;

    /** Hint links under {@code kata.hints.url}, or relative to the page. */
    public HtmlReport() {
        this(null);
    }

    /** Hint links under this address (a folder's {@code file:} URI, a repository's web address). */
    public HtmlReport(String hintsBase) {
        this.hintsBase = hintsBase;
    }

    @Override
    public String render(Report report) {
        return render(report, "Database Scaling Kata");
    }

    /** The page, with its own title (the class report names the learner). */
    public String render(Report report, String title) {
        StringBuilder out = new StringBuilder(Html.head(title));
        Report.Points score = report.score();
        out.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        out.append(String.format(Locale.ROOT, "<p id=\"total\"><strong>%d/%d points (%.1f%%)</strong> "
                + "<span class=\"muted\">target: %s · backend: %s</span></p>%n", score.earned(), score.possible(),
                score.percent(), Html.escape(report.target()), Html.escape(report.backend())));
        out.append("<table id=\"levels\"><tr><th>Level</th><th>Points</th></tr>\n");
        report.byLevel().forEach((level, points) -> out.append("<tr><td>").append(level.title()).append("</td><td>")
                .append(Html.bar(points)).append("</td></tr>\n"));
        out.append("<tr><th>Total</th><th>").append(Html.bar(score)).append("</th></tr></table>\n");
        for (ExerciseResult exercise : report.exercises()) {
            exercise(out, exercise);
        }
        return out.append(Html.tail()).toString();
    }

    private void exercise(StringBuilder out, ExerciseResult exercise) {
        String id = exercise.exercise().id();
        out.append("<section id=\"").append(Html.escape(id)).append("\">\n<h2>").append(Html.escape(id)).append(" — ")
                .append(Html.escape(exercise.exercise().title())).append(" <span class=\"muted\">(")
                .append(exercise.exercise().level().title()).append(String.format(Locale.ROOT, ") %d/%d points</span></h2>%n",
                        exercise.earned(), exercise.possible()));
        if (exercise.problem() != null) {
            out.append("<div class=\"problem\"><p>What stopped this exercise:</p><pre>").append(Html.escape(exercise.problem()))
                    .append("</pre></div>\n");
        }
        out.append("<table class=\"tasks\"><tr><th>Task</th><th>Level</th><th class=\"num\">Points</th><th>Status</th>"
                + "<th>What went wrong</th></tr>\n");
        for (TaskResult task : exercise.tasks()) {
            String status = task.status().key();
            out.append("<tr id=\"").append(Html.escape(id + "/" + task.task().id())).append("\"><td><code>")
                    .append(Html.escape(task.task().id())).append("</code><br>").append(Html.escape(task.task().title()))
                    .append("</td><td>").append(task.task().level().title()).append("</td><td class=\"num\">")
                    .append(task.earned()).append('/').append(task.task().points()).append("</td><td class=\"status ")
                    .append(status).append("\">").append(status);
            if (task.runs() > 1) {
                out.append(String.format(Locale.ROOT, "<br><span class=\"muted\">passed %d of %d runs</span>",
                        task.passedRuns(), task.runs()));
            }
            out.append("</td><td>");
            if (task.earned() == 0) {
                failures(out, task);
                out.append("<p class=\"hint\"><a href=\"").append(Html.escape(hintsUrl(id))).append("\">Hints</a> · <code>")
                        .append(Html.escape("./kata hint " + id + " " + task.task().id())).append("</code></p>");
            }
            out.append("</td></tr>\n");
        }
        out.append("</table>\n</section>\n");
    }

    private static void failures(StringBuilder out, TaskResult task) {
        List<TestOutcome> failed = task.tests().stream().filter(t -> !t.passed()).toList();
        if (failed.isEmpty() && task.message() != null) {
            out.append("<pre>").append(Html.escape(task.message())).append("</pre>");
        }
        for (TestOutcome test : failed) {
            out.append("<details open><summary><span class=\"status ").append(test.status().key()).append("\">")
                    .append(test.status() == TaskStatus.FAILED ? "✗" : test.status().key()).append("</span> ")
                    .append(Html.escape(test.name())).append("</summary>\n<pre class=\"message\">")
                    .append(Html.escape(test.message() == null ? test.status().key() : test.message())).append("</pre>\n");
            if (!test.observed().isEmpty()) {
                out.append("<p>What the database saw during this test (").append(test.observed().size())
                        .append(test.observed().size() == 1 ? " statement" : " statements")
                        .append(", in order):</p>\n<table class=\"sql\"><tr><th>Node</th><th>Role</th><th>SQL</th></tr>\n");
                for (ObservedStatement statement : test.observed()) {
                    out.append("<tr><td>").append(Html.escape(statement.node())).append("</td><td>")
                            .append(Html.escape(statement.role())).append("</td><td>").append(Html.escape(statement.sql()))
                            .append("</td></tr>\n");
                }
                out.append("</table>\n");
            }
            if (!test.output().isEmpty()) {
                out.append("<details><summary>What the test printed</summary><pre>").append(Html.escape(test.output()))
                        .append("</pre></details>\n");
            }
            out.append("</details>\n");
        }
    }

    private String hintsUrl(String exercise) {
        String base = System.getProperty("kata.hints.url", hintsBase == null ? "" : hintsBase);
        if (!base.isEmpty() && !base.endsWith("/")) {
            base += "/";
        }
        return base + "exercises/" + exercise + "/HINTS.md";
    }
}
