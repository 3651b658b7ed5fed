package dev.dbkata.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;

/** One scrape of the endpoint over HTTP, as Prometheus does it, and the samples in it. */
final class Scrape {

    static final String POOL_NAME = "invoicing";
    static final int POOL_SIZE = 10;

    final String text;
    final List<Sample> samples;

    private Scrape(String text) {
        this.text = text;
        this.samples = Sample.parse(text);
    }

    /** GET {@code uri}; fails the test unless the answer is 200 with Prometheus text. */
    static Scrape of(URI uri) {
        return new Scrape(get(uri));
    }

    static String get(URI uri) {
        try {
            HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
            http.setConnectTimeout(5_000);
            http.setReadTimeout(20_000);
            try {
                assertThat(http.getResponseCode()).as("HTTP status of GET %s", uri).isEqualTo(200);
                assertThat(http.getContentType()).as("Content-Type of the metrics (Prometheus text format)")
                        .startsWith("text/plain");
                try (InputStream in = http.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            throw new AssertionError("Could not scrape " + uri + ": " + e, e);
        }
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels}. */
    double value(String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
        assertThat(found).as("samples of %s%s in the scrape; samples of that name: %s", name, labels,
                samples.stream().filter(s -> s.name().equals(name)).map(Sample::toString).collect(Collectors.joining(", ")))
                .hasSize(1);
        return found.get(0).value();
    }

    double value(String name) {
        return value(name, Map.of());
    }

    static EndpointSettings settings(PostgresCluster cluster, StepClock clock) {
        PostgresNode primary = cluster.primary();
        List<ReplicaAddress> replicas = cluster.replicas().stream()
                .map(r -> new ReplicaAddress(r.name(), r.jdbcUrl())).toList();
        return new EndpointSettings(POOL_NAME, primary.jdbcUrl(), primary.user(), POOL_SIZE, replicas, clock);
    }
}
