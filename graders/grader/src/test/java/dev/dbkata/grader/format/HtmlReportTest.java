package dev.dbkata.grader.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

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

/** The HTML report as text: what it holds, that it escapes everything, and that it needs nothing from outside. */
class HtmlReportTest {

    static final TaskInfo SPLIT = new TaskInfo("read-write-split", "Reads on replicas <b>bold</b>", Level.INTERMEDIATE, 2,
            List.of("x.SplitTest"));
    static final TaskInfo FAILOVER = new TaskInfo("failover", "Fail over", Level.ADVANCED, 5, List.of("x.FailoverTest"));
    static final TaskInfo BASICS = new TaskInfo("basics", "Basics", Level.BEGINNER, 1, List.of("y.BasicsTest"));

    /** The message is long and multi-line: the report shows it whole, never cut. */
    static final String LONG_MESSAGE = "the read went to the primary; reads belong on a replica.\n"
            + "expected: replica1 or replica2\n but was: primary\n" + "and so on ".repeat(60) + "END-OF-MESSAGE";

    static final Report REPORT = new Report("embedded", "submission", List.of(
            new ExerciseResult(new ExerciseInfo("06-replication", "Database replication", Level.INTERMEDIATE,
                    List.of(SPLIT, FAILOVER)), List.of(
                    new TaskResult(SPLIT, TaskStatus.FAILED, "the read went to the primary", 120, List.of(
                            new TestOutcome("x.SplitTest", "reads reach replicas", TaskStatus.FAILED, LONG_MESSAGE, 100,
                                    "printed <script>alert(1)</script>", List.of(
                                            new ObservedStatement("primary", "primary",
                                                    "SELECT name FROM customers WHERE id = 42 AND note <> '<script>alert(\"x\")</script>'"),
                                            new ObservedStatement("replica1", "replica", "SHOW transaction_read_only"))),
                            new TestOutcome("x.SplitTest", "writes stay on the primary", TaskStatus.PASSED, null, 20, "")),
                            1, 0),
                    new TaskResult(FAILOVER, TaskStatus.PASSED, null, 300, List.of(
                            new TestOutcome("x.FailoverTest", "promotes the most advanced", TaskStatus.PASSED, null, 300, "")),
                            1, 1)),
                    420, null),
            new ExerciseResult(new ExerciseInfo("01-basics", "Basics & <friends>", Level.BEGINNER, List.of(BASICS)), List.of(
                    new TaskResult(BASICS, TaskStatus.ERROR, "compile error: A.java:3: ';' expected", 0, List.of(), 1, 0)),
                    10, "compile error: A.java:3: ';' expected\n  int x = <oops>")));

    private final String html = ReportFormat.HTML.render(REPORT);

    @Test
    @DisplayName("scores per level, each task's status, full failure messages, the SQL each failing test saw, hint links")
    void content() {
        assertThat(ReportFormat.parse("html")).isEqualTo(ReportFormat.HTML);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<p id=\"total\"><strong>5/8 points (62.5%)</strong>");
        assertThat(html).contains("<td>Intermediate</td>").contains("0/2 (0.0%)").contains("5/5 (100.0%)");
        assertThat(html).contains("class=\"status failed\">failed").contains("class=\"status passed\">passed")
                .contains("class=\"status error\">error");
        assertThat(html).as("the whole message, never cut").contains(Html.escape(LONG_MESSAGE)).contains("END-OF-MESSAGE");
        assertThat(html).contains("What the database saw during this test (2 statements, in order)")
                .contains("<tr><td>replica1</td><td>replica</td><td>SHOW transaction_read_only</td></tr>");
        assertThat(html).contains("<a href=\"exercises/06-replication/HINTS.md\">Hints</a>")
                .contains("./kata hint 06-replication read-write-split");
        assertThat(html).as("a passed task links no hints").doesNotContain("./kata hint 06-replication failover");
        assertThat(html).contains("What stopped this exercise:");
    }

    @Test
    @DisplayName("everything from a learner, a test or a file is escaped")
    void escaping() {
        assertThat(html).doesNotContain("<script").doesNotContain("<b>bold").doesNotContain("<oops>")
                .doesNotContain("<friends>");
        assertThat(html).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;").contains("note &lt;&gt; &#39;")
                .contains("Reads on replicas &lt;b&gt;bold&lt;/b&gt;").contains("Basics &amp; &lt;friends&gt;");
        assertThat(Html.escape("a\u0000b")).isEqualTo("a\\u0000b");
    }

    @Test
    @DisplayName("self-contained: inline style, no script, nothing fetched from outside")
    void selfContained() {
        assertThat(html).contains("<style>").doesNotContain("<link").doesNotContain("<img").doesNotContain(" src=")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain("@import");
        assertThat(html).contains("default-src 'none'");
    }

    @Test
    @DisplayName("hint links go under kata.hints.url when it is set")
    void hintsUrl() {
        System.setProperty("kata.hints.url", "https://example.org/kata/blob/main");
        try {
            assertThat(ReportFormat.HTML.render(REPORT))
                    .contains("href=\"https://example.org/kata/blob/main/exercises/06-replication/HINTS.md\"");
        } finally {
            System.clearProperty("kata.hints.url");
        }
    }
}
