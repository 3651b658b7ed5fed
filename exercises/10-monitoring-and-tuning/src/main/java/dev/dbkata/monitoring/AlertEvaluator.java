package dev.dbkata.monitoring;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * Evaluates alerting rules at every scrape, as Prometheus does (task {@code alert-rules}).
 *
 * <p>Per rule and label set: a condition that starts holding makes the alert pending; once it has
 * held at every scrape for at least the rule's {@code for} duration (by the clock given) the alert
 * fires, once; the first scrape where it does not hold, or where the series is gone, resolves a
 * firing alert and forgets a pending one. See {@link AlertRule} for how a rule's value is computed.
 *
 * <p>Not thread-safe: one scheduler calls {@link #tick()}.
 */
public final class AlertEvaluator {

    /**
     * @param rules  the rules, with distinct names
     * @param source where each scrape comes from
     * @param clock  the evaluator's time; tests step it
     * @throws IllegalArgumentException when two rules share a name
     */
    public AlertEvaluator(List<AlertRule> rules, MetricsSource source, Clock clock) {
        throw new UnsupportedOperationException("TODO(alert-rules): keep the rules, the source and the clock, and"
                + " a state per rule and label set (since when its condition holds, whether it fires)");
    }

    /**
     * Scrapes once ({@link Sample#parse} reads the text), evaluates every rule, and returns the
     * alerts that started firing or resolved at this scrape: nothing for alerts that keep firing
     * or are still pending.
     *
     * @throws IOException when the scrape fails; the alerts' states are then left as they were
     */
    public List<AlertEvent> tick() throws IOException {
        throw new UnsupportedOperationException("TODO(alert-rules): scrape, compute each rule's value per label"
                + " set, and move pending alerts to firing after the for duration, firing ones to resolved");
    }

    /** The alerts firing as of the last {@link #tick()}: rule name and labels (time and value are free). */
    public List<AlertEvent> firing() {
        throw new UnsupportedOperationException("TODO(alert-rules): the alerts that fire now");
    }
}
