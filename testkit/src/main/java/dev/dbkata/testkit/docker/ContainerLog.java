package dev.dbkata.testkit.docker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
 * {@value #MAX_LINES} of the latest, each stamped with the time the engine received it, and keeps
 * those at or after the mark.
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
     * The engine's lines, each {@code 2026-11-27T15:59:00.123456789Z text}: keeps the text of those
     * stamped at or after {@code since}, the latest that fit in {@code maxBytes}.
     */
    static final class Lines {

        private final Instant since;
        private final int maxBytes;
        private final Deque<String> kept = new ArrayDeque<>();
        private long bytes;

        Lines(Instant since, int maxBytes) {
            this.since = since;
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
                if (stamped.isBefore(since)) {
                    continue;
                }
                String text = space < 0 ? "" : line.substring(space + 1);
                kept.addLast(text);
                bytes += text.length() + 1;
                while (bytes > maxBytes && !kept.isEmpty()) {
                    bytes -= kept.removeFirst().length() + 1;
                }
            }
        }

        synchronized String text() {
            StringBuilder out = new StringBuilder();
            kept.forEach(line -> out.append(line).append('\n'));
            return out.toString();
        }
    }
}
