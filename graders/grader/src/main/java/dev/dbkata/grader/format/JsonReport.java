package dev.dbkata.grader.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.ObservedStatement;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TestOutcome;

/**
 * The machine-readable report, schema version {@value Report#SCHEMA_VERSION}; graders/grader/README.md
 * documents every field. Fields are only ever added within a version; renaming or removing one
 * bumps the version.
 */
final class JsonReport implements ReportFormat.Renderer {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String render(Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", Report.SCHEMA_VERSION);
        root.put("backend", report.backend());
        root.put("target", report.target());
        ObjectNode levels = root.putObject("levels");
        report.byLevel().forEach((level, points) -> levels.putObject(level.key())
                .put("earned", points.earned()).put("possible", points.possible()));
        Report.Points score = report.score();
        root.putObject("score").put("earned", score.earned()).put("possible", score.possible())
                .put("percent", score.percent());
        ArrayNode exercises = root.putArray("exercises");
        for (ExerciseResult exercise : report.exercises()) {
            ObjectNode e = exercises.addObject();
            e.put("id", exercise.exercise().id());
            e.put("title", exercise.exercise().title());
            e.put("level", exercise.exercise().level().key());
            e.put("earned", exercise.earned());
            e.put("possible", exercise.possible());
            e.put("durationMs", exercise.durationMs());
            if (exercise.problem() != null) {
                e.put("problem", exercise.problem());
            }
            ArrayNode tasks = e.putArray("tasks");
            for (TaskResult task : exercise.tasks()) {
                ObjectNode t = tasks.addObject();
                t.put("id", task.task().id());
                t.put("title", task.task().title());
                t.put("level", task.task().level().key());
                t.put("points", task.task().points());
                t.put("status", task.status().key());
                if (task.message() != null) {
                    t.put("message", task.message());
                } else {
                    t.putNull("message");
                }
                t.put("durationMs", task.durationMs());
                t.put("runs", task.runs());
                t.put("passedRuns", task.passedRuns());
                ArrayNode observed = t.putArray("observed");
                for (TestOutcome test : ObservedSql.failingWithSql(task)) {
                    ObjectNode o = observed.addObject();
                    o.put("test", test.name());
                    ArrayNode statements = o.putArray("statements");
                    for (ObservedStatement s : test.observed()) {
                        statements.addObject().put("node", s.node()).put("role", s.role()).put("sql", s.sql());
                    }
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
