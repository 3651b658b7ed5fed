package dev.dbkata.captheorem;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Median commit latency per {@code synchronous_commit} mode, measured in one run.
 *
 * @param medians the median of each mode's samples
 * @param rounds  how many samples each mode had
 */
public record LatencyReport(Map<SyncMode, Duration> medians, int rounds) {

    public LatencyReport {
        EnumMap<SyncMode, Duration> copy = new EnumMap<>(SyncMode.class);
        copy.putAll(medians);
        medians = Collections.unmodifiableMap(copy);
    }

    public Duration median(SyncMode mode) {
        Duration median = medians.get(mode);
        if (median == null) {
            throw new IllegalArgumentException("The report has no figure for " + mode + ": " + medians.keySet());
        }
        return median;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("median commit latency over " + rounds + " rounds:");
        medians.forEach((mode, median) -> text.append(String.format(" %s %.1f ms;", mode.setting(), median.toNanos() / 1e6)));
        return text.toString();
    }
}
