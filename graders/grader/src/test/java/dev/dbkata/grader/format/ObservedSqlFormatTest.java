package dev.dbkata.grader.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbkata.grader.ExerciseInfo;
import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.Level;
import dev.dbkata.grader.ObservedStatement;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskInfo;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;
import dev.dbkata.grader.TestOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** What the database saw during a failing test, in every format the grader writes (HTML has its own test). */
class ObservedSqlFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TaskInfo SPLIT = new TaskInfo("read-write-split", "Reads on replicas", Level.INTERMEDIATE, 2,
            List.of("x.SplitTest"));
    private static final List<ObservedStatement> SEEN = List.of(
            new ObservedStatement("primary", "primary", "INSERT INTO product VALUES (1, 'lamp')"),
            new ObservedStatement("primary", "primary", "SELECT name\n  FROM product WHERE id = $1\n-- parameters: $1 = '1'"),
            new ObservedStatement("replica1", "replica", "SELECT ```weird``` FROM t -- a <tag> & more"));
    private static final Report REPORT = new Report("embedded", "exercises", List.of(new ExerciseResult(
            new ExerciseInfo("06-replication", "Database replication", Level.INTERMEDIATE, List.of(SPLIT)), List.of(
                    new TaskResult(SPLIT, TaskStatus.FAILED, "reads went to the primary [reads reach replicas]", 300, List.of(
                            new TestOutcome("x.SplitTest", "reads reach replicas", TaskStatus.FAILED,
                                    "reads went to the primary", 200, "", SEEN),
                            new TestOutcome("x.SplitTest", "writes stay on the primary", TaskStatus.PASSED, null, 100, "",
                                    List.of(new ObservedStatement("primary", "primary", "SELECT 'passed: not shown'")))),
                            1, 0)),
            300, null)));

    @Test
    @DisplayName("text: under the failed task, per node with its role, the statements in order, multi-line ones intact")
    void text() {
        String text = ReportFormat.TEXT.render(REPORT);

        assertThat(text).contains("          What the database saw during reads reach replicas (the SQL your code sent,"
                + " oldest first):\n"
                + "            primary (primary):\n"
                + "              INSERT INTO product VALUES (1, 'lamp')\n"
                + "              SELECT name\n"
                + "                FROM product WHERE id = $1\n"
                + "              -- parameters: $1 = '1'\n"
                + "            replica1 (replica):\n"
                + "              SELECT ```weird``` FROM t -- a <tag> & more\n");
        assertThat(text).doesNotContain("passed: not shown");
    }

    @Test
    @DisplayName("text: one test's SQL per task, that of the test whose message the task's line shows")
    void textShowsOneTestPerTask() {
        TestOutcome first = new TestOutcome("x.SplitTest", "first", TaskStatus.FAILED, "one", 1, "",
                List.of(new ObservedStatement("primary", "primary", "SELECT 'first'")));
        TestOutcome second = new TestOutcome("x.SplitTest", "second", TaskStatus.FAILED, "two", 1, "",
                List.of(new ObservedStatement("primary", "primary", "SELECT 'second'")));
        Report report = new Report("embedded", "exercises", List.of(new ExerciseResult(
                new ExerciseInfo("06-replication", "Database replication", Level.INTERMEDIATE, List.of(SPLIT)), List.of(
                        new TaskResult(SPLIT, TaskStatus.FAILED, "two [second]", 2, List.of(first, second), 1, 0)),
                2, null)));

        String text = ReportFormat.TEXT.render(report);

        assertThat(text).contains("SELECT 'second'").doesNotContain("SELECT 'first'");
        assertThat(ReportFormat.MARKDOWN.render(report)).contains("SELECT 'first'").contains("SELECT 'second'");
    }

    @Test
    @DisplayName("markdown: a collapsed SQL block per failing test, fenced longer than any backtick run in it")
    void markdown() {
        String markdown = ReportFormat.MARKDOWN.render(REPORT);

        assertThat(markdown).contains("<details><summary>What the database saw during <code>read-write-split</code>"
                + " / reads reach replicas (the SQL your code sent, oldest first)</summary>\n\n````sql\nprimary (primary):\n"
                + "  INSERT INTO product VALUES (1, 'lamp')\n");
        assertThat(markdown).contains("replica1 (replica):\n  SELECT ```weird``` FROM t -- a <tag> & more\n````\n\n</details>");
        assertThat(markdown).doesNotContain("passed: not shown");
    }

    @Test
    @DisplayName("JSON: each task lists its failing tests' statements with node, role and sql")
    void json() throws Exception {
        JsonNode task = JSON.readTree(ReportFormat.JSON.render(REPORT)).at("/exercises/0/tasks/0");

        assertThat(task.at("/observed").size()).isEqualTo(1);
        assertThat(task.at("/observed/0/test").asText()).isEqualTo("reads reach replicas");
        JsonNode statements = task.at("/observed/0/statements");
        assertThat(statements.size()).isEqualTo(3);
        assertThat(statements.at("/2/node").asText()).isEqualTo("replica1");
        assertThat(statements.at("/2/role").asText()).isEqualTo("replica");
        assertThat(statements.at("/1/sql").asText()).isEqualTo(SEEN.get(1).sql());
    }

    @Test
    @DisplayName("JUnit XML: the failure's text ends with what the database saw; its message attribute is the message")
    void junitXml() throws Exception {
        String xml = ReportFormat.JUNIT.render(REPORT);
        Element failure = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getElementsByTagName("failure").item(0);

        assertThat(failure.getAttribute("message")).isEqualTo("reads went to the primary");
        assertThat(failure.getTextContent()).startsWith("reads went to the primary\n\nWhat the database saw during")
                .contains("  primary (primary):\n    INSERT INTO product VALUES (1, 'lamp')\n")
                .contains("  replica1 (replica):\n    SELECT ```weird``` FROM t -- a <tag> & more\n");
    }

    @Test
    @DisplayName("Exercism: the failing test's message ends with what the database saw")
    void exercism() throws Exception {
        JsonNode tests = JSON.readTree(ReportFormat.EXERCISM.render(REPORT)).get("tests");

        assertThat(tests.get(0).get("message").asText()).startsWith("reads went to the primary\n\nWhat the database saw")
                .contains("replica1 (replica):\n    SELECT ```weird```");
        assertThat(tests.get(1).has("message")).isFalse();
    }
}
