package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbkata.grader.format.Html;

/**
 * A class's results: a row per learner, a column per task. Written as {@code class.csv} (for a
 * gradebook: points per task), {@code class.json} and {@code class.html}, all three every time.
 */
final class ClassReport {

    static final int SCHEMA_VERSION = 1;

    /**
     * One learner.
     *
     * @param report  their grade, or null when their fork could not be graded at all
     * @param problem why it could not (or what stopped it), or null
     * @param details a link, relative to the class report, to their own HTML report; or null
     */
    record Row(String learner, String source, Report report, String problem, String details) {
    }

    /** A column: one task of one exercise. */
    record Column(String exercise, String task, String title, int points) {
        String key() {
            return exercise + "/" + task;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<Row> rows;
    private final List<Column> columns;

    ClassReport(List<Row> rows) {
        this.rows = rows.stream().sorted(java.util.Comparator.comparing(Row::learner)).toList();
        this.columns = columns(this.rows);
    }

    List<Row> rows() {
        return rows;
    }

    List<Column> columns() {
        return columns;
    }

    /** Writes class.csv, class.json and class.html in the folder; returns the HTML file. */
    Path writeTo(Path folder) {
        write(folder.resolve("class.csv"), csv());
        write(folder.resolve("class.json"), json());
        write(folder.resolve("class.html"), html());
        return folder.resolve("class.html");
    }

    private static List<Column> columns(List<Row> rows) {
        Map<String, Map<String, Column>> byExercise = new TreeMap<>();
        for (Row row : rows) {
            if (row.report() == null) {
                continue;
            }
            for (ExerciseResult exercise : row.report().exercises()) {
                Map<String, Column> tasks = byExercise.computeIfAbsent(exercise.exercise().id(), k -> new LinkedHashMap<>());
                for (TaskInfo task : exercise.exercise().tasks()) {
                    tasks.putIfAbsent(task.id(), new Column(exercise.exercise().id(), task.id(), task.title(), task.points()));
                }
            }
        }
        List<Column> columns = new ArrayList<>();
        byExercise.values().forEach(tasks -> columns.addAll(tasks.values()));
        return columns;
    }

    /** The learner's result for a column, or null when it was not graded for them. */
    static TaskResult cell(Row row, Column column) {
        if (row.report() == null) {
            return null;
        }
        for (ExerciseResult exercise : row.report().exercises()) {
            if (exercise.exercise().id().equals(column.exercise())) {
                for (TaskResult task : exercise.tasks()) {
                    if (task.task().id().equals(column.task())) {
                        return task;
                    }
                }
            }
        }
        return null;
    }

    private Report.Points possible() {
        return new Report.Points(0, columns.stream().mapToInt(Column::points).sum());
    }

    private Report.Points score(Row row) {
        int earned = row.report() == null ? 0 : row.report().score().earned();
        return new Report.Points(earned, possible().possible());
    }

    String csv() {
        StringBuilder out = new StringBuilder("learner,earned,possible,percent");
        columns.forEach(c -> out.append(',').append(csvField(c.key())));
        out.append(",problem\r\n");
        for (Row row : rows) {
            Report.Points score = score(row);
            out.append(csvField(row.learner())).append(',').append(score.earned()).append(',').append(score.possible())
                    .append(',').append(String.format(Locale.ROOT, "%.1f", score.percent()));
            for (Column column : columns) {
                TaskResult task = cell(row, column);
                out.append(',').append(task == null ? "" : Integer.toString(task.earned()));
            }
            out.append(',').append(csvField(row.problem() == null ? "" : firstLine(row.problem()))).append("\r\n");
        }
        return out.toString();
    }

    /** RFC 4180 quoting, and no cell a spreadsheet would run as a formula. */
    static String csvField(String text) {
        String value = text;
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            value = "'" + value;
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            value = "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("kind", "class");
        ArrayNode tasks = root.putArray("tasks");
        columns.forEach(c -> tasks.addObject().put("exercise", c.exercise()).put("task", c.task()).put("title", c.title())
                .put("points", c.points()));
        ArrayNode learners = root.putArray("learners");
        for (Row row : rows) {
            ObjectNode l = learners.addObject();
            l.put("learner", row.learner());
            l.put("source", row.source());
            Report.Points score = score(row);
            l.putObject("score").put("earned", score.earned()).put("possible", score.possible()).put("percent", score.percent());
            if (row.problem() != null) {
                l.put("problem", row.problem());
            }
            ObjectNode cells = l.putObject("tasks");
            for (Column column : columns) {
                TaskResult task = cell(row, column);
                if (task != null) {
                    cells.putObject(column.key()).put("status", task.status().key()).put("earned", task.earned());
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String html() {
        StringBuilder out = new StringBuilder(Html.head("Database Scaling Kata: class report"));
        out.append("<h1>Class report</h1>\n<p class=\"muted\">").append(rows.size())
                .append(rows.size() == 1 ? " learner, " : " learners, ").append(columns.size())
                .append(" tasks. A cell is the points earned; hover it for the status.</p>\n");
        out.append("<table id=\"class\"><tr><th>Learner</th><th>Score</th>");
        String exercise = null;
        for (Column column : columns) {
            out.append("<th title=\"").append(Html.escape(column.title())).append("\">");
            if (!column.exercise().equals(exercise)) {
                exercise = column.exercise();
                out.append("<span class=\"muted\">").append(Html.escape(exercise)).append("</span><br>");
            }
            out.append("<code>").append(Html.escape(column.task())).append("</code></th>");
        }
        out.append("<th>Problem</th></tr>\n");
        for (Row row : rows) {
            out.append("<tr class=\"learner\"><td>");
            if (row.details() != null) {
                out.append("<a href=\"").append(Html.escape(row.details())).append("\">").append(Html.escape(row.learner()))
                        .append("</a>");
            } else {
                out.append(Html.escape(row.learner()));
            }
            out.append("</td><td class=\"num\">").append(Html.bar(score(row))).append("</td>");
            for (Column column : columns) {
                TaskResult task = cell(row, column);
                if (task == null) {
                    out.append("<td class=\"num muted\">–</td>");
                } else {
                    String status = task.status().key();
                    out.append("<td class=\"num ").append(status).append("\" title=\"").append(status).append("\">")
                            .append(task.earned()).append('/').append(column.points()).append("</td>");
                }
            }
            out.append("<td>").append(row.problem() == null ? "" : "<pre>" + Html.escape(row.problem()) + "</pre>")
                    .append("</td></tr>\n");
        }
        out.append("</table>\n");
        return out.append(Html.tail()).toString();
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    /** Written beside and moved into place, so an interrupted run never leaves half a file. */
    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".part");
            Files.writeString(temp, text);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
