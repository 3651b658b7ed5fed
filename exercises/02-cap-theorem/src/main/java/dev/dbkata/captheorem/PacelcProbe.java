package dev.dbkata.captheorem;

import java.sql.SQLException;

/**
 * The "else" of PACELC: what each {@code synchronous_commit} mode costs per commit when nothing
 * is broken.
 */
public final class PacelcProbe {

    private final String primaryUrl;

    public PacelcProbe(String primaryUrl) {
        this.primaryUrl = primaryUrl;
    }

    /**
     * Commits {@code rounds} small write transactions per {@link SyncMode}, each inserting one row
     * {@code (mode)} into {@code pacelc_samples} with {@code synchronous_commit} set to that mode,
     * the modes taking turns within each round, and times each transaction from its first
     * statement to the end of its COMMIT. Warm-up transactions are allowed (they insert rows too).
     * Returns the median per mode.
     *
     * @throws IllegalArgumentException when {@code rounds} is below 1
     */
    public LatencyReport measure(int rounds) throws SQLException {
        throw new UnsupportedOperationException("TODO(pacelc-latency): time write transactions under each"
                + " synchronous_commit mode, alternating the modes, and report the median of each");
    }
}
