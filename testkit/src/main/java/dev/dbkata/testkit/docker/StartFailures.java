package dev.dbkata.testkit.docker;

import java.util.List;
import java.util.Locale;

/**
 * Error messages for a server that would not come up. Most such failures are explained only by
 * the server's own output, so the message carries the end of the container log rather than
 * sending the reader to {@code docker logs} for a container that has already been removed.
 */
final class StartFailures {

    static final int LOG_LINES = 20;

    private StartFailures() {
    }

    /**
     * @param node   the server's name in its topology
     * @param what   what went wrong, as the end of a sentence that starts with the node's name
     * @param logs   the container's whole log, or a note on why there is none
     * @param port   the host port it was published on
     */
    static String describe(String node, String what, String logs, int port) {
        String tail = lastLines(logs, LOG_LINES);
        String text = node + " " + what + ".\nLast lines of its container log:\n"
                + (tail.isBlank() ? "(empty)" : tail);
        String lower = (what + "\n" + logs).toLowerCase(Locale.ROOT);
        if (lower.contains("port is already allocated") || lower.contains("address already in use")) {
            text += "\nHost port " + port + " was taken by another program after the testkit reserved it. Run again;"
                    + " if it keeps happening, find what listens there (ss -ltnp | grep " + port + ").";
        }
        return text;
    }

    static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
