package dev.dbkata.grader.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an exercise's JVM tells the grader: one JSON object per line, flushed as it happens, so
 * that the grader still knows what ran when the JVM exits in the middle of a test.
 *
 * <p>Written by hand rather than with a JSON library: this class runs on the learner's test
 * classpath, which should hold nothing the grader does not need there.
 */
final class EventLog implements AutoCloseable {

    private final Writer out;

    EventLog(Path file) {
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one event; {@code fields} alternate names and values (strings, numbers, booleans). */
    synchronized void write(String event, Object... fields) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("event", event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                map.put((String) fields[i], fields[i + 1]);
            }
        }
        StringBuilder line = new StringBuilder("{");
        map.forEach((name, value) -> {
            if (line.length() > 1) {
                line.append(',');
            }
            line.append(quote(name)).append(':');
            line.append(value instanceof Number || value instanceof Boolean ? value.toString() : quote(value.toString()));
        });
        line.append("}\n");
        try {
            out.write(line.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
