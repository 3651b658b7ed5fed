package dev.dbkata.grader.format;

import java.util.List;
import java.util.Locale;

import dev.dbkata.grader.ExerciseResult;
import dev.dbkata.grader.Report;
import dev.dbkata.grader.TaskResult;
import dev.dbkata.grader.TaskStatus;
import dev.dbkata.grader.TestOutcome;

/**
 * The report in the JUnit XML shape that CI systems show in their test tabs: one suite per
 * exercise, one case per test (named after its task), or one case per task when no test ran.
 */
final class JunitXmlReport implements ReportFormat.Renderer {

    @Override
    public String render(Report report) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<testsuites name=\"dbkata-").append(attr(report.target())).append("\">\n");
        for (ExerciseResult exercise : report.exercises()) {
            StringBuilder cases = new StringBuilder();
            int[] counts = new int[4]; // tests, failures, errors, skipped
            for (TaskResult task : exercise.tasks()) {
                String className = exercise.exercise().id() + "." + task.task().id();
                List<TestOutcome> tests = task.tests();
                if (tests.isEmpty()) {
                    appendCase(cases, counts, className, task.task().title(), task.status(), task.message(), 0, "");
                }
                for (TestOutcome test : tests) {
                    appendCase(cases, counts, className, test.name(), test.status(), withObserved(test),
                            test.durationMs(), test.output());
                }
            }
            out.append(String.format(Locale.ROOT,
                    "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">%n",
                    attr(exercise.exercise().id()), counts[0], counts[1], counts[2], counts[3],
                    exercise.durationMs() / 1000.0));
            out.append(cases).append("  </testsuite>\n");
        }
        return out.append("</testsuites>\n").toString();
    }

    /**
     * The failure text, followed by what the database saw when the test failed with SQL observed;
     * the {@code message} attribute keeps the message's first line only.
     */
    private static String withObserved(TestOutcome test) {
        if (test.passed() || test.observed().isEmpty()) {
            return test.message();
        }
        return (test.message() == null ? test.status().key() : test.message()) + "\n\n" + ObservedSql.heading(test)
                + "\n" + ObservedSql.block(test.observed(), "  ");
    }

    private static void appendCase(StringBuilder out, int[] counts, String className, String name, TaskStatus status,
            String message, long durationMs, String output) {
        counts[0]++;
        out.append(String.format(Locale.ROOT, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"", attr(className),
                attr(name), durationMs / 1000.0));
        String text = message == null ? "" : message;
        String body = switch (status) {
            case PASSED -> null;
            case SKIPPED -> {
                counts[3]++;
                yield "      <skipped message=\"" + attr(TextReport.shorten(text, 300)) + "\"/>\n";
            }
            case FAILED -> {
                counts[1]++;
                yield "      <failure message=\"" + attr(TextReport.shorten(text, 300)) + "\">" + text(text) + "</failure>\n";
            }
            default -> {
                counts[2]++;
                yield "      <error type=\"" + status.key() + "\" message=\"" + attr(TextReport.shorten(text, 300)) + "\">"
                        + text(text) + "</error>\n";
            }
        };
        if (body == null && output.isEmpty()) {
            out.append("/>\n");
            return;
        }
        out.append(">\n");
        if (body != null) {
            out.append(body);
        }
        if (!output.isEmpty()) {
            out.append("      <system-out>").append(text(output)).append("</system-out>\n");
        }
        out.append("    </testcase>\n");
    }

    static String text(String raw) {
        StringBuilder escaped = new StringBuilder(raw.length());
        raw.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                default -> {
                    // Control characters other than tab and newlines are not allowed in XML 1.0.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        escaped.appendCodePoint(c);
                    }
                }
            }
        });
        return escaped.toString();
    }

    static String attr(String raw) {
        return text(raw).replace("\"", "&quot;").replace("\n", "&#10;").replace("\r", "");
    }
}
