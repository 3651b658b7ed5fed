package dev.dbkata.captheorem;

import java.time.Duration;

/**
 * The knobs of a {@link TicketSeller}.
 *
 * @param quorumWait     the most any one statement of a sale may take, the COMMIT's wait for the
 *                       standbys included; whole seconds (pgjdbc's {@code setQueryTimeout} unit)
 * @param connectTimeout the most connecting to the primary may take
 */
public record SellerSettings(Duration quorumWait, Duration connectTimeout) {

    public SellerSettings {
        if (quorumWait == null || quorumWait.toMillis() < 1000 || quorumWait.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("quorumWait must be a whole number of seconds, at least 1: " + quorumWait);
        }
        if (connectTimeout == null || connectTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("connectTimeout must be at least 1 s: " + connectTimeout);
        }
    }

    /** 2 s for a sale's statements, 2 s to connect. */
    public static SellerSettings defaults() {
        return new SellerSettings(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    public SellerSettings withQuorumWait(Duration wait) {
        return new SellerSettings(wait, connectTimeout);
    }
}
