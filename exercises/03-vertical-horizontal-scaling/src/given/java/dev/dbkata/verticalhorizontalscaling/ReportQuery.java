package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A report's query and the planner settings that pin its plan's shape, so that a smaller
 * {@code work_mem} makes the same node spill instead of making the planner pick another strategy.
 *
 * @param sql the query, without {@code EXPLAIN}
 * @param plannerSettings settings to apply with {@code SET} in the session before planning it
 */
public record ReportQuery(String sql, Map<String, String> plannerSettings) {

    public ReportQuery {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("A report query needs its SQL");
        }
        plannerSettings = Map.copyOf(new LinkedHashMap<>(plannerSettings));
    }

    /** Applies {@link #plannerSettings()} to this session only ({@code SET}, not {@code ALTER SYSTEM}). */
    public void pinPlan(Connection session) throws SQLException {
        try (Statement s = session.createStatement()) {
            for (Map.Entry<String, String> setting : plannerSettings.entrySet()) {
                if (!setting.getKey().matches("[a-z_]+")) {
                    throw new IllegalArgumentException("Not a setting name: " + setting.getKey());
                }
                s.execute("SET " + setting.getKey() + " = '" + setting.getValue().replace("'", "''") + "'");
            }
        }
    }
}
