package dev.dbkata.monitoring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One sample of the Prometheus text exposition format: {@code name{label="value",...} 42.0}.
 *
 * @param name   the metric name
 * @param labels the labels, in the order written
 * @param value  the value ({@code NaN}, {@code +Inf} and {@code -Inf} included)
 */
public record Sample(String name, Map<String, String> labels, double value) {

    public Sample {
        Objects.requireNonNull(name, "name");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * Every sample of a scrape, comments ({@code # HELP}, {@code # TYPE}) and blank lines skipped.
     *
     * @throws IllegalArgumentException naming the line that is not a sample
     */
    public static List<Sample> parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            samples.add(parseLine(text));
        }
        return samples;
    }

    private static Sample parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        String rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int end = readLabels(line, brace + 1, labels);
            rest = line.substring(end + 1).strip();
        } else if (space > 0) {
            name = line.substring(0, space);
            rest = line.substring(space + 1).strip();
        } else {
            throw new IllegalArgumentException("Not a Prometheus sample: " + line);
        }
        String[] parts = rest.split("\\s+");
        return new Sample(name, labels, parseValue(parts[0], line));
    }

    /** Reads {@code key="value",...} up to the closing brace; returns the brace's index. */
    private static int readLabels(String line, int from, Map<String, String> labels) {
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '}') {
                return i;
            }
            if (c == ',' || c == ' ') {
                i++;
                continue;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("Bad labels in Prometheus sample: " + line);
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char v = line.charAt(j);
                if (v == '\\' && j + 1 < line.length()) {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(v);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
        }
        throw new IllegalArgumentException("Unclosed labels in Prometheus sample: " + line);
    }

    private static double parseValue(String text, String line) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Bad value in Prometheus sample: " + line, e);
                }
        }
    }
}
