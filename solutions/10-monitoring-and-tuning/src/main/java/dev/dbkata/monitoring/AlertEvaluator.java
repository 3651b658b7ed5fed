package dev.dbkata.monitoring;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates alerting rules on every scrape, the way Prometheus does between its rule evaluations:
 * a condition that starts holding makes the alert pending; once it has held for the rule's
 * {@code for} duration the alert fires, once; the first scrape where it no longer holds resolves it.
 *
 * <p>Time comes from the clock given, so a test can step it; {@link #tick()} is one scrape and one
 * evaluation. Not thread-safe: one scheduler calls {@code tick()}.
 */
public final class AlertEvaluator {

    /** Where one alert (a rule and a label set) stands. */
    private static final class State {
        final Instant holdingSince;
        boolean firing;

        State(Instant holdingSince) {
            this.holdingSince = holdingSince;
        }
    }

    private final List<AlertRule> rules;
    private final MetricsSource source;
    private final Clock clock;
    // Per rule, per label set: since when its condition has held. A label set is absent while it does not.
    private final Map<String, Map<Map<String, String>, State>> states = new HashMap<>();

    public AlertEvaluator(List<AlertRule> rules, MetricsSource source, Clock clock) {
        this.rules = List.copyOf(rules);
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (AlertRule rule : this.rules) {
            if (states.put(rule.name(), new LinkedHashMap<>()) != null) {
                throw new IllegalArgumentException("Two rules are named " + rule.name());
            }
        }
    }

    /**
     * Scrapes once, evaluates every rule, and returns the alerts that started firing or resolved at
     * this scrape (nothing for alerts that keep firing or keep pending).
     *
     * @throws IOException when the scrape fails; the alerts' states are then left as they were
     */
    public List<AlertEvent> tick() throws IOException {
        List<Sample> samples = Sample.parse(source.scrape());
        Instant now = clock.instant();
        List<AlertEvent> events = new ArrayList<>();
        for (AlertRule rule : rules) {
            Map<Map<String, String>, Double> values = values(rule, samples);
            Map<Map<String, String>, State> ruleStates = states.get(rule.name());
            // Alerts whose condition no longer holds (or whose series vanished): resolved or forgotten.
            ruleStates.entrySet().removeIf(entry -> {
                Double value = values.get(entry.getKey());
                if (value != null && rule.comparison().holds(value, rule.threshold())) {
                    return false;
                }
                if (entry.getValue().firing) {
                    events.add(new AlertEvent(rule.name(), entry.getKey(), AlertEvent.State.RESOLVED, now,
                            value == null ? Double.NaN : value));
                }
                return true;
            });
            values.forEach((labels, value) -> {
                if (!rule.comparison().holds(value, rule.threshold())) {
                    return;
                }
                State state = ruleStates.computeIfAbsent(labels, l -> new State(now));
                Duration held = Duration.between(state.holdingSince, now);
                if (!state.firing && held.compareTo(rule.forDuration()) >= 0) {
                    state.firing = true;
                    events.add(new AlertEvent(rule.name(), labels, AlertEvent.State.FIRING, now, value));
                }
            });
        }
        return events;
    }

    /** The alerts firing now, as of the last {@link #tick()}: rule name and labels. */
    public List<AlertEvent> firing() {
        List<AlertEvent> firing = new ArrayList<>();
        states.forEach((rule, byLabels) -> byLabels.forEach((labels, state) -> {
            if (state.firing) {
                firing.add(new AlertEvent(rule, labels, AlertEvent.State.FIRING, state.holdingSince, Double.NaN));
            }
        }));
        return firing;
    }

    /** The rule's value per label set; NaN samples and zero divisors give no value. */
    private static Map<Map<String, String>, Double> values(AlertRule rule, List<Sample> samples) {
        Map<Map<String, String>, Double> numerators = series(rule.metric(), samples);
        if (rule.dividedBy() == null) {
            return numerators;
        }
        Map<Map<String, String>, Double> denominators = series(rule.dividedBy(), samples);
        Map<Map<String, String>, Double> ratios = new LinkedHashMap<>();
        numerators.forEach((labels, value) -> {
            Double divisor = denominators.get(labels);
            if (divisor != null && divisor != 0) {
                ratios.put(labels, value / divisor);
            }
        });
        return ratios;
    }

    private static Map<Map<String, String>, Double> series(String metric, List<Sample> samples) {
        Map<Map<String, String>, Double> byLabels = new LinkedHashMap<>();
        for (Sample sample : samples) {
            if (sample.name().equals(metric) && !Double.isNaN(sample.value())) {
                byLabels.put(Map.copyOf(sample.labels()), sample.value());
            }
        }
        return byLabels;
    }
}
