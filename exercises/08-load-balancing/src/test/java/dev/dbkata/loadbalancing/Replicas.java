package dev.dbkata.loadbalancing;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;

/**
 * The cluster's replicas as the balancer's servers (reached through their links, so a test can
 * slow, cut or black-hole one), and the servers' own account of what ran on them.
 */
final class Replicas {

    /** The request every test sends: the server answers with its own port, and counts the statement. */
    static final String REQUEST = "SELECT inet_server_port() AS lb_request";
    /** The work of one request. */
    static final SqlWork<Integer> ASK_PORT = Replicas::askPort;

    /**
     * Settings for tests that count exactly: on a 2-core machine at load average 20 a login has been
     * seen to take over 2 s (the default connect timeout), and the retry that follows moves a request
     * to another server. Tests that inflict no fault allow 10 s, so only a real fault fails a request.
     */
    static final BalancerSettings PATIENT = new BalancerSettings(Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(1), 2, 3);

    private final PostgresCluster cluster;

    Replicas(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    static int askPort(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(REQUEST)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** replica1, replica2, replica3 with the given weights, reached through their links. */
    List<Server> servers(int... weights) {
        List<Server> servers = new ArrayList<>();
        List<PostgresNode> replicas = cluster.replicas();
        for (int i = 0; i < replicas.size(); i++) {
            PostgresNode node = replicas.get(i);
            URI uri = URI.create(node.jdbcUrl().substring("jdbc:".length()));
            servers.add(new Server(node.name(), uri.getHost(), uri.getPort(), weights.length == 0 ? 1 : weights[i]));
        }
        return servers;
    }

    /** The same servers at their own ports, bypassing the links (a crash then refuses at once). */
    List<Server> directServers() {
        return cluster.replicas().stream().map(n -> new Server(n.name(), n.host(), n.port(), 1)).toList();
    }

    PostgresNode replica(int number) {
        return cluster.replica(number);
    }

    List<PostgresNode> all() {
        return cluster.replicas();
    }

    /** Forgets what every replica counted so far. */
    void resetCounts() {
        cluster.replicas().forEach(r -> r.statements().reset());
    }

    /** How many requests each replica ran, by its own pg_stat_statements (0 for a replica that is down). */
    Map<String, Long> requestsSeen() {
        Map<String, Long> seen = new LinkedHashMap<>();
        cluster.replicas().forEach(r -> seen.put(r.name(),
                r.isRunning() && !r.isFrozen() ? r.statements().callsContaining("lb_request") : 0L));
        return seen;
    }

    /** The replica whose server port is {@code port}. */
    String nameOf(int port) {
        return cluster.replicas().stream().filter(n -> n.port() == port).map(PostgresNode::name).findFirst()
                .orElse("unknown server on port " + port);
    }

    List<String> namesOf(List<Integer> ports) {
        return ports.stream().map(this::nameOf).toList();
    }

    /** Sessions of the given application name each replica has, from its pg_stat_activity. */
    Map<String, Long> sessions(String applicationName) {
        Map<String, Long> seen = new LinkedHashMap<>();
        cluster.replicas().forEach(r -> seen.put(r.name(), r.queryValue(
                "/* dbkata */ SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", Long.class,
                applicationName)));
        return seen;
    }

    static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }
}
