package dev.dbkata.grader.runner;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an exercise's JVM tells the grader: one JSON object per line on the JVM's own standard
 * output, flushed as it happens, so that the grader still knows what ran when the JVM exits in the
 * middle of a test.
 *
 * <p>Every line starts with a secret the grader handed over on standard input before any test
 * code ran; the grader believes only lines that carry it. Tests print to standard error instead
 * (see {@link OutputCapture}), so code under test can neither forge nor garble an event. Written
 * by hand rather than with a JSON library: this class runs on the learner's classpath, which
 * should hold nothing the grader does not need there.
 */
final class EventLog {

    private final PrintStream out;
    private final String secret;

    EventLog(PrintStream out, String secret) {
        this.out = out;
        this.secret = secret;
    }

    /**
     * Writes one event; {@code fields} alternate names and values (strings, numbers, booleans, or
     * lists of string maps, written as arrays of objects).
     */
    synchronized void write(String event, Object... fields) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("event", event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                map.put((String) fields[i], fields[i + 1]);
            }
        }
        StringBuilder line = new StringBuilder(secret).append(' ').append('{');
        map.forEach((name, value) -> {
            if (line.charAt(line.length() - 1) != '{') {
                line.append(',');
            }
            line.append(quote(name)).append(':');
            if (value instanceof java.util.List<?> list) {
                appendArray(line, list);
            } else {
                line.append(value instanceof Number || value instanceof Boolean ? value.toString() : quote(value.toString()));
            }
        });
        line.append('}');
        out.println(line);
        out.flush();
    }

    /** An array of objects whose fields are strings; anything else in the list is written as a string. */
    private static void appendArray(StringBuilder line, java.util.List<?> list) {
        line.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            if (list.get(i) instanceof Map<?, ?> object) {
                line.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> field : object.entrySet()) {
                    if (!first) {
                        line.append(',');
                    }
                    first = false;
                    line.append(quote(String.valueOf(field.getKey()))).append(':').append(quote(String.valueOf(field.getValue())));
                }
                line.append('}');
            } else {
                line.append(quote(String.valueOf(list.get(i))));
            }
        }
        line.append(']');
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
