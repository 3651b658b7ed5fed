package dev.dbkata.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a JSON report ({@code kata grade --format json}, schema {@value Report#SCHEMA_VERSION})
 * back into a {@link Report}: what {@code merge-reports} and a resumed class grading need. Tests'
 * outcomes are not in that schema, so the tasks come back without them.
 */
final class JsonReportReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonReportReader() {
    }

    static Report read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new GradingException(file + " is not a JSON report (" + e.getMessage().lines().findFirst().orElse("")
                    + ")");
        }
        if (root == null || !root.isObject() || !root.has("schemaVersion") || !root.path("exercises").isArray()) {
            throw new GradingException(file + " is not a kata grade report (no schemaVersion and exercises): write one with"
                    + " kata grade --format json --output FILE");
        }
        if (root.get("schemaVersion").asInt() != Report.SCHEMA_VERSION) {
            throw new GradingException(file + " has schema version " + root.get("schemaVersion").asText()
                    + "; this grader reads version " + Report.SCHEMA_VERSION);
        }
        List<ExerciseResult> exercises = new ArrayList<>();
        for (JsonNode e : root.get("exercises")) {
            List<TaskInfo> infos = new ArrayList<>();
            List<TaskResult> tasks = new ArrayList<>();
            for (JsonNode t : e.path("tasks")) {
                TaskInfo info = new TaskInfo(text(t, "id", file), text(t, "title", file), level(t, file),
                        t.path("points").asInt(), List.of());
                infos.add(info);
                int runs = Math.max(1, t.path("runs").asInt(1));
                tasks.add(new TaskResult(info, status(t, file), t.path("message").isTextual() ? t.get("message").asText() : null,
                        t.path("durationMs").asLong(), List.of(), runs, t.path("passedRuns").asInt(0)));
            }
            ExerciseInfo info = new ExerciseInfo(text(e, "id", file), text(e, "title", file), level(e, file), infos);
            exercises.add(new ExerciseResult(info, tasks, e.path("durationMs").asLong(),
                    e.path("problem").isTextual() ? e.get("problem").asText() : null));
        }
        return new Report(root.path("backend").asText("?"), root.path("target").asText("?"), exercises);
    }

    private static String text(JsonNode node, String field, Path file) {
        if (!node.path(field).isTextual()) {
            throw new GradingException(file + ": an entry has no \"" + field + "\"");
        }
        return node.get(field).asText();
    }

    private static Level level(JsonNode node, Path file) {
        try {
            return Level.valueOf(text(node, "level", file).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GradingException(file + ": unknown level " + node.get("level").asText());
        }
    }

    private static TaskStatus status(JsonNode node, Path file) {
        try {
            return TaskStatus.fromKey(text(node, "status", file));
        } catch (IllegalArgumentException e) {
            throw new GradingException(file + ": unknown status " + node.get("status").asText());
        }
    }
}
