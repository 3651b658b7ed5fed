package dev.dbkata.grader;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines a test JVM printed, at most {@value #LIMIT} characters: enough to say why it
 * stopped, and nothing a test that prints in a loop could use to fill the disk.
 */
final class OutputTail {

    static final int LIMIT = 64 * 1024;

    private final Deque<String> lines = new ArrayDeque<>();
    private int size;
    private long dropped;

    synchronized void add(String line) {
        String kept = line.length() > LIMIT ? line.substring(0, LIMIT) : line;
        lines.addLast(kept);
        size += kept.length();
        while (size > LIMIT && lines.size() > 1) {
            size -= lines.removeFirst().length();
            dropped++;
        }
    }

    /** The line that says best why the JVM stopped: the first exception or error kept, else the last line. */
    synchronized String firstError() {
        return lines.stream().filter(l -> l.contains("Exception") || l.contains("Error")).findFirst()
                .orElse(lines.isEmpty() ? "(no output)" : lines.getLast()).strip();
    }

    @Override
    public synchronized String toString() {
        return (dropped > 0 ? "(" + dropped + " earlier lines dropped)\n" : "") + String.join("\n", lines);
    }
}
