package dev.dbkata.monitoring;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A change of an alert's state, as a notifier would send it.
 *
 * @param rule   the rule's name
 * @param labels the labels of the series the alert is about (the numerator's, for a ratio)
 * @param state  {@link State#FIRING} when it starts, {@link State#RESOLVED} when it ends
 * @param at     the evaluator's clock at the scrape that changed it
 * @param value  the rule's value at that scrape ({@code NaN} when a resolved series is gone)
 */
public record AlertEvent(String rule, Map<String, String> labels, State state, Instant at, double value) {

    public enum State {
        FIRING, RESOLVED
    }

    public AlertEvent {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        labels = Map.copyOf(labels);
    }
}
