package dev.dbkata.testkit.network;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** Small helpers shared by the network classes. */
final class Links {

    /** The longest delay, jitter or per-chunk wait a link accepts. */
    static final Duration LIMIT = Duration.ofMinutes(1);

    private Links() {
    }

    static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }

    /** Closes with a reset (RST) rather than an orderly FIN, as a dropped connection does. */
    static void reset(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException e) {
            // not connected: a plain close is all there is
        }
        closeQuietly(channel);
    }

    static Duration checkedDuration(String what, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must be given (Duration.ZERO for none)");
        }
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " cannot be negative, got " + value.toMillis() + " ms");
        }
        if (value.compareTo(LIMIT) > 0) {
            throw new IllegalArgumentException(what + " of " + value.toSeconds() + " s is more than the "
                    + LIMIT.toSeconds() + " s a link accepts: a test would only hang; use blackhole() "
                    + "for a link where nothing arrives");
        }
        return value;
    }

    static String millis(Duration duration) {
        long micros = duration.toNanos() / 1_000;
        if (micros % 1_000 == 0) {
            return micros / 1_000 + " ms";
        }
        return String.format(java.util.Locale.ROOT, "%.3f ms", micros / 1_000.0);
    }
}
