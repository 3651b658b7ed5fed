package dev.dbkata.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A query plan from {@code EXPLAIN (FORMAT JSON)}: which tables and partitions a query reads and
 * how. Assertions on the JSON tree are sturdier than on the text form, which changes between
 * PostgreSQL versions.
 */
public final class Plan {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;

    private Plan(JsonNode root) {
        this.root = root;
    }

    /** Plans {@code sql} without running it; {@code params} bind to {@code ?} in order. */
    public static Plan explain(Connection connection, String sql, Object... params) throws SQLException {
        return run(connection, "EXPLAIN (FORMAT JSON) " + sql, params);
    }

    /** Runs {@code sql} and returns the plan with actual row counts ({@code EXPLAIN ANALYZE}). */
    public static Plan explainAnalyze(Connection connection, String sql, Object... params) throws SQLException {
        return run(connection, "EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params);
    }

    /** Parses the JSON that {@code EXPLAIN (FORMAT JSON)} printed. */
    public static Plan parse(String explainJson) {
        try {
            JsonNode tree = JSON.readTree(explainJson);
            return new Plan(tree.isArray() ? tree.get(0).get("Plan") : tree.get("Plan"));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not EXPLAIN JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Plan run(Connection connection, String explain, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(explain)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return parse(rs.getString(1));
            }
        }
    }

    /** The top plan node. */
    public JsonNode root() {
        return root;
    }

    /** Every plan node, depth first, the top one first. */
    public List<JsonNode> nodes() {
        List<JsonNode> all = new ArrayList<>();
        walk(root, all::add);
        return all;
    }

    /** The tables (or partitions) that the plan scans, in plan order, repeats kept. */
    public List<String> scannedRelations() {
        List<String> relations = new ArrayList<>();
        for (JsonNode node : nodes()) {
            if (node.has("Relation Name")) {
                relations.add(node.get("Relation Name").asText());
            }
        }
        return relations;
    }

    /** The node types, such as {@code Seq Scan} or {@code Index Only Scan}, in plan order. */
    public List<String> nodeTypes() {
        List<String> types = new ArrayList<>();
        nodes().forEach(node -> types.add(node.path("Node Type").asText()));
        return types;
    }

    public boolean uses(String nodeType) {
        return nodeTypes().contains(nodeType);
    }

    /** Partitions pruned when the executor started (shown only for parameterised plans). */
    public int subplansRemoved() {
        return nodes().stream().mapToInt(node -> node.path("Subplans Removed").asInt(0)).sum();
    }

    private static void walk(JsonNode node, Consumer<JsonNode> visitor) {
        visitor.accept(node);
        for (JsonNode child : node.path("Plans")) {
            walk(child, visitor);
        }
    }

    /** The plan as indented JSON, for failure messages. */
    @Override
    public String toString() {
        return root.toPrettyString();
    }
}
