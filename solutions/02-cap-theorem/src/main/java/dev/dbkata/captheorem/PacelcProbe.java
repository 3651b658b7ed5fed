package dev.dbkata.captheorem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The "else" of PACELC: what each {@code synchronous_commit} mode costs per commit when nothing
 * is broken.
 */
public final class PacelcProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String primaryUrl;

    public PacelcProbe(String primaryUrl) {
        this.primaryUrl = primaryUrl;
    }

    /**
     * Commits {@code rounds} small write transactions per mode on one connection, each inserting
     * one row {@code (mode)} into {@code pacelc_samples}, the modes taking turns within each round
     * (so a slow moment of the machine hits them all alike), and times each from its first
     * statement to the end of its COMMIT. One unmeasured round comes first, so the table gets
     * {@code rounds + 1} rows per mode. Returns the median per mode.
     */
    public LatencyReport measure(int rounds) throws SQLException {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
        }
        Map<SyncMode, List<Long>> samples = new EnumMap<>(SyncMode.class);
        try (Connection connection = Jdbc.open(primaryUrl, TIMEOUT);
             Statement statement = connection.createStatement();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO pacelc_samples (mode) VALUES (?)")) {
            // One unmeasured round first: connection, plan and caches warm up.
            for (int round = -1; round < rounds; round++) {
                for (SyncMode mode : SyncMode.values()) {
                    statement.execute("SET synchronous_commit = " + mode.setting());
                    long start = System.nanoTime();
                    connection.setAutoCommit(false);
                    insert.setString(1, mode.setting());
                    insert.executeUpdate();
                    connection.commit();
                    long took = System.nanoTime() - start;
                    connection.setAutoCommit(true);
                    if (round >= 0) {
                        samples.computeIfAbsent(mode, m -> new ArrayList<>()).add(took);
                    }
                }
            }
            statement.execute("RESET synchronous_commit");
        }
        Map<SyncMode, Duration> medians = new EnumMap<>(SyncMode.class);
        samples.forEach((mode, nanos) -> medians.put(mode, Duration.ofNanos(median(nanos))));
        return new LatencyReport(medians, rounds);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
