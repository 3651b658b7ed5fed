package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Leaves a {@code kata test} run where {@code mvn test} leaves its results: a Surefire-style
 * {@code TEST-<class>.xml} per test class in the exercise's {@code target/surefire-reports}, which
 * {@link Progress} reads for {@code kata list} and {@code kata hint}. Classes that did not run keep
 * their last report, as with Surefire.
 */
final class LoopProgress {

    private LoopProgress() {
    }

    static void record(Path exercise, List<TestOutcome> outcomes) {
        Map<String, StringBuilder> byClass = new LinkedHashMap<>();
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (TestOutcome test : outcomes) {
            if (test.className().isEmpty()) {
                continue;
            }
            StringBuilder cases = byClass.computeIfAbsent(test.className(), c -> new StringBuilder());
            int[] count = counts.computeIfAbsent(test.className(), c -> new int[4]);
            count[0]++;
            cases.append(String.format(Locale.ROOT, "  <testcase name=\"%s\" classname=\"%s\" time=\"%.3f\"",
                    escape(test.name()), escape(test.className()), test.durationMs() / 1000.0));
            String message = escape(test.message() == null ? test.status().key() : test.message());
            switch (test.status()) {
                case PASSED -> cases.append("/>\n");
                case SKIPPED -> {
                    count[3]++;
                    cases.append(">\n    <skipped message=\"").append(message).append("\"/>\n  </testcase>\n");
                }
                case FAILED -> {
                    count[1]++;
                    cases.append(">\n    <failure message=\"").append(message).append("\"/>\n  </testcase>\n");
                }
                default -> {
                    count[2]++;
                    cases.append(">\n    <error message=\"").append(message).append("\" type=\"")
                            .append(test.status().key()).append("\"/>\n  </testcase>\n");
                }
            }
        }
        Path reports = exercise.resolve("target/surefire-reports");
        try {
            Files.createDirectories(reports);
            for (Map.Entry<String, StringBuilder> entry : byClass.entrySet()) {
                int[] count = counts.get(entry.getKey());
                String xml = String.format(Locale.ROOT, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>%n"
                        + "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">%n%s</testsuite>%n",
                        escape(entry.getKey()), count[0], count[1], count[2], count[3], entry.getValue());
                Path file = reports.resolve("TEST-" + entry.getKey() + ".xml");
                Path temporary = reports.resolve(".TEST-" + entry.getKey() + ".xml.new");
                Files.writeString(temporary, xml);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not record your progress in " + reports, e);
        }
    }

    /** XML-escaped, without the control characters XML 1.0 cannot hold. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\n' -> escaped.append("&#10;");
                case '\t', '\r' -> escaped.append(' ');
                default -> {
                    if (c >= 0x20) {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
