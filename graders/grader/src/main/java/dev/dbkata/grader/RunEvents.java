package dev.dbkata.grader;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the events an exercise's JVM wrote ({@code dev.dbkata.grader.runner.ExerciseRunner}) into
 * one outcome per test. Tests it found but never finished are completed with {@code unfinished}:
 * what the grader concluded from how the JVM ended. The first result of a test counts and nothing
 * after {@code done} does, whatever else arrives.
 */
final class RunEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run said: the outcomes, whether it got to the end, and the test it was in when it stopped. */
    record Run(List<TestOutcome> outcomes, boolean completed, String lastStarted) {
    }

    private RunEvents() {
    }

    static Run read(List<String> events, TaskStatus unfinishedStatus, String unfinishedMessage) {
        Map<String, String[]> discovered = new LinkedHashMap<>();
        Map<String, TestOutcome> finished = new LinkedHashMap<>();
        boolean done = false;
        String lastStarted = null;
        for (String line : events) {
            if (done) {
                break;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                continue; // the last line of a JVM killed mid-write
            }
            String id = event.path("id").asText();
            switch (event.path("event").asText()) {
                case "discovered" -> discovered.put(id, new String[] {event.path("class").asText(),
                        event.path("name").asText(), event.path("method").asText("")});
                case "started" -> lastStarted = id;
                case "finished" -> {
                    String[] test = discovered.getOrDefault(id, new String[] {"", id, ""});
                    finished.putIfAbsent(id, new TestOutcome(test[0], test[1], status(event.path("status").asText()),
                            event.hasNonNull("message") ? event.get("message").asText() : null,
                            event.path("durationMs").asLong(), event.path("output").asText(""),
                            observed(event.path("observed")), test[2], "",
                            TestOutcome.Cause.fromKey(event.path("cause").asText())));
                }
                case "done" -> done = true;
                default -> {
                }
            }
        }
        String stoppedIn = lastStarted == null || finished.containsKey(lastStarted) ? null
                : discovered.getOrDefault(lastStarted, new String[] {"", lastStarted})[1];
        List<TestOutcome> outcomes = discovered.entrySet().stream()
                .map(e -> finished.getOrDefault(e.getKey(), new TestOutcome(e.getValue()[0], e.getValue()[1],
                        unfinishedStatus, unfinishedMessage, 0, "", List.of(), e.getValue()[2], "")))
                .toList();
        return new Run(outcomes, done, stoppedIn);
    }

    /** The {@code observed} array of a finished event: objects with node, role and sql. */
    private static List<ObservedStatement> observed(JsonNode array) {
        List<ObservedStatement> statements = new java.util.ArrayList<>();
        for (JsonNode s : array) {
            statements.add(new ObservedStatement(s.path("node").asText(), s.path("role").asText(),
                    s.path("sql").asText()));
        }
        return statements;
    }

    private static TaskStatus status(String key) {
        try {
            return TaskStatus.fromKey(key);
        } catch (IllegalArgumentException e) {
            return TaskStatus.ERROR;
        }
    }
}
