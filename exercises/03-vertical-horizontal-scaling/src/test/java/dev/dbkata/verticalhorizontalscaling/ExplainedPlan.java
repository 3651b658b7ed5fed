package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbkata.testkit.Plan;

/** The test's own look at an executed plan, independent of the learner's code. */
final class ExplainedPlan {

    private ExplainedPlan() {
    }

    /** The nodes of type {@code nodeType} in the plan of {@code report} run at {@code workMemKb}, on a fresh session. */
    static List<JsonNode> nodesAt(Connection session, ReportQuery report, int workMemKb, String nodeType) throws SQLException {
        report.pinPlan(session);
        try (Statement s = session.createStatement()) {
            s.execute("SET work_mem = '" + workMemKb + "kB'");
        }
        return Plan.explainAnalyze(session, report.sql()).nodes().stream()
                .filter(n -> nodeType.equals(n.path("Node Type").asText()))
                .toList();
    }
}
