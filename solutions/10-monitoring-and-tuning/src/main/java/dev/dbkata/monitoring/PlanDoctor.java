package dev.dbkata.monitoring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs a query under {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)} and reports what is wrong
 * with the plan, node by node.
 *
 * <p>Thread-safe (no state).
 */
public final class PlanDoctor {

    /** A scan reading fewer rows per loop than this is of a small table: scanning it whole is fine. */
    public static final long LARGE_SCAN_ROWS = 10_000;
    /** The share of the rows read that a filter must throw away for a scan to be wasteful. */
    public static final double MOST_ROWS = 0.9;
    /** How far off (either way) an estimate must be to be reported. */
    public static final double ESTIMATE_FACTOR = 10;
    /** Outer rows from which a nested loop's inner side runs too often. */
    public static final long LARGE_OUTER_ROWS = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Executes {@code sql} on {@code connection} (with its session settings) under EXPLAIN ANALYZE
     * and diagnoses the plan. The statement really runs: pass only queries.
     */
    public List<Finding> examine(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
            rs.next();
            return diagnose(rs.getString(1));
        }
    }

    /** Diagnoses the output of {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)}. */
    public List<Finding> diagnose(String explainJson) {
        JsonNode plan;
        try {
            JsonNode tree = JSON.readTree(explainJson);
            plan = (tree.isArray() ? tree.get(0) : tree).get("Plan");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not the JSON of EXPLAIN: " + e.getOriginalMessage(), e);
        }
        if (plan == null || !plan.has("Actual Rows")) {
            throw new IllegalArgumentException("Not an executed plan: run EXPLAIN with ANALYZE (and FORMAT JSON)");
        }
        List<Finding> findings = new ArrayList<>();
        visit(plan, findings);
        return findings;
    }

    private void visit(JsonNode node, List<Finding> findings) {
        // A node that never ran (the other side of a join that returned nothing) proves nothing.
        if (node.path("Actual Loops").asLong() > 0) {
            wastefulSeqScan(node, findings);
            estimateOff(node, findings);
            spill(node, findings);
            largeOuterNestedLoop(node, findings);
        }
        for (JsonNode child : node.path("Plans")) {
            visit(child, findings);
        }
    }

    private static void wastefulSeqScan(JsonNode node, List<Finding> findings) {
        if (!type(node).equals("Seq Scan")) {
            return;
        }
        // Both figures are per loop, as EXPLAIN prints them.
        double kept = node.path("Actual Rows").asDouble();
        double removed = node.path("Rows Removed by Filter").asDouble();
        double read = kept + removed;
        if (read >= LARGE_SCAN_ROWS && removed >= MOST_ROWS * read) {
            findings.add(finding(FindingKind.SEQ_SCAN_FILTERS_MOST_ROWS, node, String.format(Locale.ROOT,
                    "read %.0f rows to keep %.0f (%.1f%% thrown away by the filter %s): an index on the filtered"
                            + " columns would read only the rows it keeps",
                    read, kept, 100 * removed / read, node.path("Filter").asText("?"))));
        }
    }

    private static void estimateOff(JsonNode node, List<Finding> findings) {
        double estimated = Math.max(1, node.path("Plan Rows").asDouble());
        double actual = Math.max(1, node.path("Actual Rows").asDouble());
        double factor = Math.max(estimated / actual, actual / estimated);
        if (factor >= ESTIMATE_FACTOR) {
            findings.add(finding(FindingKind.ROW_ESTIMATE_OFF, node, String.format(Locale.ROOT,
                    "estimated %.0f rows, got %.0f per loop (%.0f× %s): the statistics are stale or miss a"
                            + " correlation; ANALYZE the table, or add extended statistics",
                    estimated, actual, factor, actual > estimated ? "more" : "fewer")));
        }
    }

    private static void spill(JsonNode node, List<Finding> findings) {
        String type = type(node);
        String evidence = null;
        if (type.equals("Sort") && "Disk".equals(node.path("Sort Space Type").asText())) {
            evidence = "sorted on disk (" + node.path("Sort Method").asText() + ", "
                    + node.path("Sort Space Used").asLong() + " kB)";
        } else if (type.equals("Hash") && Math.max(node.path("Hash Batches").asLong(),
                node.path("Original Hash Batches").asLong()) > 1) {
            evidence = "hash table split into " + node.path("Hash Batches").asLong() + " batches written to disk";
        } else if (type.equals("Aggregate") && node.path("HashAgg Batches").asLong() > 1) {
            evidence = "hash aggregate spilled " + node.path("Disk Usage").asLong() + " kB in "
                    + node.path("HashAgg Batches").asLong() + " batches";
        }
        if (evidence != null) {
            findings.add(finding(FindingKind.SPILLS_TO_DISK, node, evidence
                    + ": it did not fit in work_mem; raise work_mem for this query or make the input smaller"));
        }
    }

    private static void largeOuterNestedLoop(JsonNode node, List<Finding> findings) {
        if (!type(node).equals("Nested Loop") || node.path("Plans").size() < 2) {
            return;
        }
        JsonNode outer = node.path("Plans").get(0);
        double outerRows = outer.path("Actual Rows").asDouble() * outer.path("Actual Loops").asDouble();
        if (outerRows >= LARGE_OUTER_ROWS) {
            findings.add(finding(FindingKind.NESTED_LOOP_LARGE_OUTER, node, String.format(Locale.ROOT,
                    "the outer side (%s) produced %.0f rows, so the inner side ran %.0f times: a hash or merge"
                            + " join reads each side once", type(outer), outerRows, outerRows)));
        }
    }

    private static Finding finding(FindingKind kind, JsonNode node, String detail) {
        JsonNode relation = node.get("Relation Name");
        return new Finding(kind, type(node), relation == null ? null : relation.asText(), detail);
    }

    private static String type(JsonNode node) {
        return node.path("Node Type").asText();
    }
}
