package dev.dbkata.captheorem;

import java.time.Duration;

/**
 * The knobs of a {@link ZoneReader}.
 *
 * @param consistentWait how long a {@link Consistency#CONSISTENT} read may wait for the replica to
 *                       replay up to the primary's position before it refuses
 * @param primaryTimeout the most any question to the primary may take (connecting, logging in,
 *                       waiting for an answer): the primary may be on the far side of a partition
 */
public record ReaderSettings(Duration consistentWait, Duration primaryTimeout) {

    public ReaderSettings {
        if (consistentWait == null || consistentWait.isNegative()) {
            throw new IllegalArgumentException("consistentWait must be zero or more: " + consistentWait);
        }
        if (primaryTimeout == null || primaryTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("primaryTimeout must be at least 1 s (pgjdbc counts its timeouts in"
                    + " whole seconds): " + primaryTimeout);
        }
    }

    /** 3 s for a consistent read, 1 s for the primary. */
    public static ReaderSettings defaults() {
        return new ReaderSettings(Duration.ofSeconds(3), Duration.ofSeconds(1));
    }

    public ReaderSettings withConsistentWait(Duration wait) {
        return new ReaderSettings(wait, primaryTimeout);
    }

    public ReaderSettings withPrimaryTimeout(Duration timeout) {
        return new ReaderSettings(consistentWait, timeout);
    }
}
