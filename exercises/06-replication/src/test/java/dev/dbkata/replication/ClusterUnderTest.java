package dev.dbkata.replication;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.ServingNode;

/**
 * The testkit's cluster as the router sees it (nodes as JDBC URLs), and the server-side proof of
 * where reads ran, named so that a failure message reads "replica1 ×5, primary ×5".
 */
final class ClusterUnderTest {

    private final PostgresCluster cluster;

    ClusterUnderTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    static DatabaseNode node(PostgresNode node) {
        return new DatabaseNode(node.name(), node.jdbcUrl(), node.user());
    }

    /** A router over the primary and the replicas in start order: replica1, replica2. */
    ReplicaRouter router(RouterSettings settings) {
        return new ReplicaRouter(node(cluster.primary()), cluster.replicas().stream().map(ClusterUnderTest::node).toList(),
                settings);
    }

    /** Runs {@code count} reads through the router; each asks its server who it is. */
    List<ServingNode> read(ReplicaRouter router, int count) throws SQLException {
        List<ServingNode> served = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            served.add(router.read(ServingNode::of));
        }
        return served;
    }

    /** The node of the cluster that listens on {@code port}. */
    PostgresNode at(int port) {
        return cluster.nodes().stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new AssertionError("No node of the cluster listens on port " + port));
    }

    String nameOf(ServingNode served) {
        return cluster.nodes().stream().filter(n -> n.port() == served.port()).map(PostgresNode::name).findFirst()
                .orElse("unknown server on port " + served.port());
    }

    /** Where reads ran, as "replica1 ×5, replica2 ×5", in order of first appearance. */
    String describe(List<ServingNode> served) {
        Map<String, Long> counts = served.stream()
                .collect(Collectors.groupingBy(this::nameOf, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "))
                + " (in order: " + served.stream().map(this::nameOf).collect(Collectors.joining(" ")) + ")";
    }

    long countOn(List<ServingNode> served, PostgresNode node) {
        return served.stream().filter(s -> s.port() == node.port()).count();
    }
}
