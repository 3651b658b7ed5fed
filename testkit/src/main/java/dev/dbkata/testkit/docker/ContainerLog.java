package dev.dbkata.testkit.docker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.dbkata.testkit.backend.ServerLog;
import org.testcontainers.DockerClientFactory;

/**
 * A container's output as a {@link ServerLog}: PostgreSQL in the stock image logs to standard
 * error, which the engine keeps (readable while the container is paused or after it was killed).
 * A mark is a time; reading asks the engine for the lines since that second, at most
 * {@value #MAX_LINES} of the latest, and keeps those PostgreSQL wrote at or after the mark (see
 * {@link Lines}).
 */
final class ContainerLog implements ServerLog {

    static final int MAX_LINES = 5_000;
    private static final long READ_SECONDS = 10;

    private final Supplier<String> containerId;

    ContainerLog(Supplier<String> containerId) {
        this.containerId = containerId;
    }

    @Override
    public Mark mark() {
        return new Mark(-1, Instant.now());
    }

    @Override
    public String since(Mark mark, int maxBytes) {
        String id = containerId.get();
        if (id == null) {
            return "";
        }
        Lines lines = new Lines(mark.time(), maxBytes);
        try (ResultCallback.Adapter<Frame> callback = DockerClientFactory.instance().client().logContainerCmd(id)
                .withStdOut(true).withStdErr(true).withTimestamps(true)
                .withSince((int) mark.time().getEpochSecond()).withTail(MAX_LINES)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        lines.add(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                })) {
            callback.awaitCompletion(READ_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // What was read so far is still worth showing.
        }
        return lines.text();
    }

    /**
     * The engine's lines, each {@code <engine's timestamp> <text>}: keeps the text of those written
     * at or after {@code since}, the latest that fit in {@code maxBytes}. The engine's stamp is not
     * precise enough to decide (Podman's API gives whole seconds), so a line is judged by the time
     * PostgreSQL wrote at its start ({@code %m}, milliseconds); a line without one (the rest of a
     * multi-line message) goes with the line before it, and a line before any judged one by the
     * engine's stamp.
     */
    static final class Lines {

        private static final DateTimeFormatter POSTGRES_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS z");

        private final Instant since;
        private final int maxBytes;
        private final Deque<String> kept = new ArrayDeque<>();
        private long bytes;
        private Boolean keeping;

        Lines(Instant since, int maxBytes) {
            this.since = since.truncatedTo(ChronoUnit.MILLIS);
            this.maxBytes = maxBytes;
        }

        synchronized void add(String payload) {
            for (String line : payload.split("\n", -1)) {
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                Instant stamped;
                try {
                    stamped = Instant.parse(space < 0 ? line : line.substring(0, space));
                } catch (DateTimeParseException notStamped) {
                    continue;
                }
                String text = space < 0 ? "" : line.substring(space + 1);
                Instant written = postgresTime(text);
                boolean keep;
                if (written != null) {
                    keeping = !written.isBefore(since);
                    keep = keeping;
                } else {
                    keep = keeping != null ? keeping : !stamped.isBefore(since.truncatedTo(ChronoUnit.SECONDS));
                }
                if (!keep) {
                    continue;
                }
                kept.addLast(text);
                bytes += text.length() + 1;
                while (bytes > maxBytes && !kept.isEmpty()) {
                    bytes -= kept.removeFirst().length() + 1;
                }
            }
        }

        /** The time at the start of a line PostgreSQL wrote with the kata's prefix, or null. */
        private static Instant postgresTime(String text) {
            // "2026-11-27 16:16:44.203 UTC [48] ...": the zone ends at the first " [".
            int end = text.indexOf(" [");
            if (end < 23 || end > 40 || !Character.isDigit(text.charAt(0))) {
                return null;
            }
            try {
                return ZonedDateTime.parse(text.substring(0, end), POSTGRES_TIME).toInstant();
            } catch (DateTimeParseException notOne) {
                return null;
            }
        }

        synchronized String text() {
            StringBuilder out = new StringBuilder();
            kept.forEach(line -> out.append(line).append('\n'));
            return out.toString();
        }
    }
}
