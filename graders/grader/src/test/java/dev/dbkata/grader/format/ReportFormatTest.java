package dev.dbkata.grader.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbkata.grader.ExerciseInfo;
import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.Level;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskInfo;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;
import dev.dbkata.grader.TestOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Every format from one hand-made report: two exercises, one of which did not compile. */
class ReportFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TaskInfo SPLIT = new TaskInfo("read-write-split", "Reads on replicas | writes on the primary",
            Level.INTERMEDIATE, 2, List.of("x.SplitTest"));
    private static final TaskInfo FAILOVER = new TaskInfo("failover", "Fail over", Level.ADVANCED, 5, List.of("x.FailoverTest"));
    private static final TaskInfo BASICS = new TaskInfo("basics", "Basics", Level.BEGINNER, 1, List.of("y.BasicsTest"));

    private static final Report REPORT = new Report("embedded", "exercises", List.of(
            new ExerciseResult(new ExerciseInfo("06-replication", "Database replication", Level.INTERMEDIATE,
                    List.of(SPLIT, FAILOVER)), List.of(
                    new TaskResult(SPLIT, TaskStatus.PASSED, null, 120, List.of(
                            new TestOutcome("x.SplitTest", "reads reach replicas", TaskStatus.PASSED, null, 100, "x".repeat(700)),
                            new TestOutcome("x.SplitTest", "writes <stay> & \"on\" the primary", TaskStatus.PASSED, null, 20, "")),
                            3, 3),
                    new TaskResult(FAILOVER, TaskStatus.FAILED, "promotes the most advanced: expected replica2", 300, List.of(
                            new TestOutcome("x.FailoverTest", "promotes the most advanced", TaskStatus.FAILED,
                                    "expected replica2\nbut was replica1", 300, "")), 3, 1)),
                    420, null),
            new ExerciseResult(new ExerciseInfo("01-basics", "Basics", Level.BEGINNER, List.of(BASICS)), List.of(
                    new TaskResult(BASICS, TaskStatus.ERROR, "compile error: A.java:3: ';' expected", 0, List.of(), 1, 0)),
                    10, "compile error: A.java:3: ';' expected")));

    @Test
    @DisplayName("JSON follows schema 1: levels, score, exercises with tasks and their statuses")
    void json() throws Exception {
        JsonNode root = JSON.readTree(ReportFormat.JSON.render(REPORT));

        assertThat(root.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(root.get("backend").asText()).isEqualTo("embedded");
        assertThat(root.at("/levels/intermediate/earned").asInt()).isEqualTo(2);
        assertThat(root.at("/levels/advanced/possible").asInt()).isEqualTo(5);
        assertThat(root.at("/levels/beginner/possible").asInt()).isEqualTo(1);
        assertThat(root.at("/score/earned").asInt()).isEqualTo(2);
        assertThat(root.at("/score/possible").asInt()).isEqualTo(8);
        assertThat(root.at("/score/percent").asDouble()).isEqualTo(25.0);
        JsonNode failover = root.at("/exercises/0/tasks/1");
        assertThat(failover.get("id").asText()).isEqualTo("failover");
        assertThat(failover.get("status").asText()).isEqualTo("failed");
        assertThat(failover.get("level").asText()).isEqualTo("advanced");
        assertThat(failover.get("passedRuns").asInt()).isEqualTo(1);
        assertThat(root.at("/exercises/0/tasks/0/message").isNull()).isTrue();
        assertThat(root.at("/exercises/1/problem").asText()).startsWith("compile error");
        assertThat(root.at("/exercises/1/tasks/0/status").asText()).isEqualTo("error");
    }

    @Test
    @DisplayName("a task that passed only some of its runs earns nothing")
    void flakyTasksEarnNothing() {
        TaskResult flaky = new TaskResult(SPLIT, TaskStatus.FAILED, "x", 0, List.of(), 3, 2);
        assertThat(flaky.earned()).isZero();
        assertThat(new TaskResult(SPLIT, TaskStatus.PASSED, null, 0, List.of(), 3, 3).earned()).isEqualTo(2);
    }

    @Test
    @DisplayName("text shows a bar per level, each task's status and first problem, and runs when repeated")
    void text() {
        String text = ReportFormat.TEXT.render(REPORT);

        assertThat(text).contains("Intermediate     2/2    100.0%  [####################]");
        assertThat(text).contains("Advanced         0/5      0.0%  [....................]");
        assertThat(text).contains("PASS    read-write-split             2/2  (passed 3 of 3 runs)");
        assertThat(text).contains("FAILED  failover                     0/5  (passed 1 of 3 runs)  promotes the most advanced");
        assertThat(text).contains("ERROR   basics                       0/1    compile error: A.java:3");
    }

    @Test
    @DisplayName("markdown has the level table and escapes pipes in cells")
    void markdown() {
        String markdown = ReportFormat.MARKDOWN.render(REPORT);

        assertThat(markdown).startsWith("## Database Scaling Kata: 2/8 points (25.0%)");
        assertThat(markdown).contains("| Intermediate | 2/2 | 100.0% |");
        assertThat(markdown).contains("Reads on replicas \\| writes on the primary");
        assertThat(markdown).contains("| ❌ failed (1/3 runs) |");
    }

    @Test
    @DisplayName("JUnit XML is well-formed, counts failures and errors, and gives a case to a task that never ran")
    void junitXml() throws Exception {
        String xml = ReportFormat.JUNIT.render(REPORT);
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();

        Element replication = (Element) root.getElementsByTagName("testsuite").item(0);
        assertThat(replication.getAttribute("tests")).isEqualTo("3");
        assertThat(replication.getAttribute("failures")).isEqualTo("1");
        Element basics = (Element) root.getElementsByTagName("testsuite").item(1);
        assertThat(basics.getAttribute("errors")).isEqualTo("1");
        assertThat(xml).contains("name=\"writes &lt;stay&gt; &amp; &quot;on&quot; the primary\"");
        assertThat(xml).contains("classname=\"06-replication.failover\"");
    }

    @Test
    @DisplayName("Exercism results.json v3: statuses, task_id by position, output capped at 500 characters")
    void exercism() throws Exception {
        JsonNode root = JSON.readTree(ReportFormat.EXERCISM.render(REPORT));

        assertThat(root.get("version").asInt()).isEqualTo(3);
        assertThat(root.get("status").asText()).as("a compile error makes the run an error").isEqualTo("error");
        assertThat(root.get("message").asText()).contains("01-basics: compile error");
        JsonNode first = root.at("/tests/0");
        assertThat(first.get("name").asText()).isEqualTo("06-replication / Reads on replicas | writes on the primary / reads reach replicas");
        assertThat(first.get("status").asText()).isEqualTo("pass");
        assertThat(first.get("task_id").asInt()).isEqualTo(1);
        assertThat(first.get("output").asText()).hasSize(500).endsWith("[output cut at 500 characters]");
        JsonNode failed = root.at("/tests/2");
        assertThat(failed.get("status").asText()).isEqualTo("fail");
        assertThat(failed.get("message").asText()).startsWith("expected replica2");
        assertThat(failed.get("task_id").asInt()).isEqualTo(2);
    }

    @Test
    @DisplayName("an unknown format is refused with the list of formats")
    void unknownFormat() {
        assertThatThrownBy(() -> ReportFormat.parse("yaml")).hasMessageContaining("text, json, markdown, junit, exercism or html");
        assertThat(ReportFormat.parse(" Markdown ")).isEqualTo(ReportFormat.MARKDOWN);
    }
}
