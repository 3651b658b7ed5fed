package dev.dbkata.monitoring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbkata.testkit.Plan;
import dev.dbkata.testkit.PostgresNode;

/** The tests' own reading of {@code EXPLAIN (ANALYZE, BUFFERS)}: the server's counters, not a stopwatch. */
final class Buffers {

    private Buffers() {
    }

    /** Shared buffers hit or read by one execution of {@code sql} (the top node counts its children). */
    static long perExecution(PostgresNode node, String sql) {
        JsonNode root = analyze(node, sql).root();
        return root.path("Shared Hit Blocks").asLong() + root.path("Shared Read Blocks").asLong();
    }

    /** The names of the indexes the executed plan of {@code sql} reads. */
    static List<String> indexesUsed(PostgresNode node, String sql) {
        List<String> names = new ArrayList<>();
        for (JsonNode n : analyze(node, sql).nodes()) {
            if (n.has("Index Name")) {
                names.add(n.get("Index Name").asText());
            }
        }
        return names;
    }

    static Plan analyze(PostgresNode node, String sql) {
        try (Connection c = node.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
            rs.next();
            return Plan.parse(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("EXPLAIN ANALYZE failed: " + e.getMessage() + "\n  " + sql, e);
        }
    }
}
