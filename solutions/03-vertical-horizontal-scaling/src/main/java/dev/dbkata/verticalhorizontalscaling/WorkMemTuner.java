package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds the smallest {@code work_mem} on a grid at which a report's sort, or its hash join, runs in
 * memory, from the executed plan rather than from a stopwatch.
 */
public final class WorkMemTuner {

    /** The largest setting tried: a report that spills even here needs another plan, not memory. */
    public static final int MAX_WORK_MEM_KB = 256 * 1024;

    private final DataSource database;

    public WorkMemTuner(DataSource database) {
        this.database = database;
    }

    /**
     * The smallest multiple of {@code stepKb} (at least 64 kB) at which every Sort node of the
     * query's executed plan reports "Sort Space Type: Memory".
     *
     * @throws IllegalArgumentException if the step is not positive, or the plan has no Sort node
     * @throws IllegalStateException if the sort spills even at {@link #MAX_WORK_MEM_KB}
     */
    public MemoryAnswer smallestSortWorkMem(ReportQuery report, int stepKb) {
        return smallest(report, stepKb, "Sort");
    }

    /**
     * The smallest multiple of {@code stepKb} (at least 64 kB) at which every Hash node of the
     * query's executed plan reports "Hash Batches: 1" (a hash may use work_mem times
     * hash_mem_multiplier).
     *
     * @throws IllegalArgumentException if the step is not positive, or the plan has no Hash node
     * @throws IllegalStateException if the hash spills even at {@link #MAX_WORK_MEM_KB}
     */
    public MemoryAnswer smallestHashWorkMem(ReportQuery report, int stepKb) {
        return smallest(report, stepKb, "Hash");
    }

    private MemoryAnswer smallest(ReportQuery report, int stepKb, String nodeType) {
        if (stepKb <= 0) {
            throw new IllegalArgumentException("The grid step must be positive, was " + stepKb + " kB");
        }
        try (Connection session = database.getConnection()) {
            try {
                report.pinPlan(session);
                // Grid points k * step for k in [low, high]; the lowest allowed work_mem is 64 kB.
                int low = Math.max(1, (64 + stepKb - 1) / stepKb);
                int high = MAX_WORK_MEM_KB / stepKb;
                String top = probe(session, report, high * stepKb, nodeType);
                if (top == null) {
                    throw new IllegalStateException("The " + nodeType + " still spills at work_mem = "
                            + MAX_WORK_MEM_KB + " kB: this report needs another plan, not more memory");
                }
                // Binary search: spilling is monotone in work_mem once the plan's shape is pinned.
                String evidence = top;
                while (low < high) {
                    int middle = (low + high) >>> 1;
                    String atMiddle = probe(session, report, middle * stepKb, nodeType);
                    if (atMiddle != null) {
                        high = middle;
                        evidence = atMiddle;
                    } else {
                        low = middle + 1;
                    }
                }
                if (evidence == top && high * stepKb != MAX_WORK_MEM_KB) {
                    evidence = probe(session, report, high * stepKb, nodeType);
                }
                return new MemoryAnswer(high * stepKb, evidence);
            } finally {
                try (Statement s = session.createStatement()) {
                    s.execute("RESET ALL"); // the pool hands this session to someone else next
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not explain the report: " + e.getMessage(), e);
        }
    }

    /** The evidence that every {@code nodeType} node stayed in memory at this setting, or null if one spilled. */
    private static String probe(Connection session, ReportQuery report, int workMemKb, String nodeType) throws SQLException {
        try (Statement s = session.createStatement()) {
            s.execute("SET work_mem = '" + workMemKb + "kB'");
        }
        List<JsonNode> nodes = explainAnalyze(session, report.sql()).stream()
                .filter(n -> nodeType.equals(n.path("Node Type").asText()))
                .toList();
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("The report's plan has no " + nodeType + " node: " + report.sql());
        }
        StringBuilder evidence = new StringBuilder();
        for (JsonNode node : nodes) {
            if (nodeType.equals("Sort")) {
                if (!"Memory".equals(node.path("Sort Space Type").asText())) {
                    return null;
                }
                evidence.append("Sort Method: ").append(node.path("Sort Method").asText())
                        .append(", Sort Space Type: Memory, Sort Space Used: ")
                        .append(node.path("Sort Space Used").asLong()).append(" kB");
            } else {
                if (node.path("Hash Batches").asInt() != 1) {
                    return null;
                }
                evidence.append("Hash Batches: 1, Peak Memory Usage: ")
                        .append(node.path("Peak Memory Usage").asLong()).append(" kB");
            }
        }
        return evidence.toString();
    }

    static List<JsonNode> explainAnalyze(Connection session, String sql) throws SQLException {
        try (Statement s = session.createStatement();
             var rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
            rs.next();
            return PlanNodes.all(rs.getString(1));
        }
    }
}
