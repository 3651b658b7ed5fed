package dev.dbkata.monitoring;

import java.io.IOException;

/** Where an {@link AlertEvaluator} gets its samples: one call, one scrape in Prometheus text format. */
@FunctionalInterface
public interface MetricsSource {

    String scrape() throws IOException;
}
