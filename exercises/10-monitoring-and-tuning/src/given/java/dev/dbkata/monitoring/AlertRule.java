package dev.dbkata.monitoring;

import java.time.Duration;
import java.util.Objects;

/**
 * An alerting rule over scraped series, in the spirit of a Prometheus alerting rule
 * {@code expr: metric > threshold, for: 30s}.
 *
 * <p>The rule's value for a label set is the sample of {@link #metric()} with those labels, or,
 * when {@link #dividedBy()} is set, that sample divided by the sample of {@code dividedBy} with
 * exactly the same labels (a label set without both samples, or with a zero divisor, has no value).
 * The condition holds when the value compares to {@link #threshold()} as {@link #comparison()} says.
 * An alert fires once the condition has held, scrape after scrape, for at least {@link #forDuration()};
 * it resolves at the first scrape where it no longer holds (or the series is gone).
 *
 * @param name        the alert's name, such as {@code ReplicationLagHigh}
 * @param metric      the Prometheus metric name (the numerator of a ratio)
 * @param dividedBy   the denominator's metric name, or {@code null} for a plain threshold
 * @param comparison  how the value is compared with the threshold
 * @param threshold   the bound
 * @param forDuration how long the condition must hold before the alert fires; zero fires at once
 */
public record AlertRule(String name, String metric, String dividedBy, Comparison comparison, double threshold,
        Duration forDuration) {

    /** How a value is compared with the threshold. */
    public enum Comparison {
        ABOVE, AT_LEAST;

        public boolean holds(double value, double threshold) {
            return this == ABOVE ? value > threshold : value >= threshold;
        }
    }

    public AlertRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(forDuration, "forDuration");
        if (forDuration.isNegative()) {
            throw new IllegalArgumentException("forDuration must not be negative, not " + forDuration);
        }
    }

    /** {@code metric > threshold for forDuration}. */
    public static AlertRule above(String name, String metric, double threshold, Duration forDuration) {
        return new AlertRule(name, metric, null, Comparison.ABOVE, threshold, forDuration);
    }

    /** {@code metric / dividedBy >= threshold for forDuration}, per label set. */
    public static AlertRule ratioAtLeast(String name, String metric, String dividedBy, double threshold,
            Duration forDuration) {
        return new AlertRule(name, metric, dividedBy, Comparison.AT_LEAST, threshold, forDuration);
    }
}
