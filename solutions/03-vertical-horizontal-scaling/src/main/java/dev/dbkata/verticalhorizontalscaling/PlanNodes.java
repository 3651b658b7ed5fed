package dev.dbkata.verticalhorizontalscaling;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The nodes of an {@code EXPLAIN (FORMAT JSON)} plan, depth first. */
final class PlanNodes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanNodes() {
    }

    static List<JsonNode> all(String explainJson) {
        try {
            JsonNode tree = JSON.readTree(explainJson);
            List<JsonNode> out = new ArrayList<>();
            walk(tree.get(0).get("Plan"), out);
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not EXPLAIN JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode top(String explainJson) {
        try {
            return JSON.readTree(explainJson).get(0);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not EXPLAIN JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void walk(JsonNode node, List<JsonNode> out) {
        out.add(node);
        for (JsonNode child : node.path("Plans")) {
            walk(child, out);
        }
    }
}
