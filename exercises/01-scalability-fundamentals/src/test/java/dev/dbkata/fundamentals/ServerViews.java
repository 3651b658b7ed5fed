package dev.dbkata.fundamentals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.PostgresNode;

/** What the server's statistics views say, read by the test as a superuser. */
final class ServerViews {

    private ServerViews() {
    }

    /** Statements the app role ran since the last reset, from pg_stat_statements (COPY counts as one). */
    static long statementsByApp(PostgresNode node) {
        return node.queryValue("SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements"
                + " WHERE userid = to_regrole('" + AppRole.NAME + "')", Long.class);
    }

    /** Calls by the app role of statements whose text contains {@code fragment}. */
    static long statementsByApp(PostgresNode node, String fragment) {
        return node.queryValue("SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements"
                + " WHERE userid = to_regrole('" + AppRole.NAME + "') AND query ILIKE ?", Long.class,
                "%" + fragment + "%");
    }

    /** The statements the app role ran, most called first, for failure messages. */
    static List<String> statementsOfApp(PostgresNode node) {
        List<String> found = new ArrayList<>();
        try (Connection c = node.connect();
             PreparedStatement s = c.prepareStatement("SELECT calls, query FROM pg_stat_statements"
                     + " WHERE userid = to_regrole('" + AppRole.NAME + "') ORDER BY calls DESC LIMIT 8");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                found.add(rs.getLong(1) + " x " + rs.getString(2));
            }
        } catch (SQLException e) {
            found.add("(could not read pg_stat_statements: " + e.getMessage() + ")");
        }
        return found;
    }

    /** Server sessions whose application_name is {@code name}, right now. */
    static int sessionsOf(Connection c, String applicationName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, applicationName);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Sessions of {@code name} running a statement that contains {@code marker} right now
     * ({@code state = 'active'}). Only the request's own statement counts: a pool's housekeeping
     * (a new connection's validation, say) is also briefly active, beside a single request.
     */
    static int activeSessionsOf(Connection c, String applicationName, String marker) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE application_name = ? AND state = 'active' AND strpos(query, ?) > 0")) {
            s.setString(1, applicationName);
            s.setString(2, marker);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static int sessionsOf(PostgresNode node, String applicationName) {
        return node.queryValue("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = ?",
                Integer.class, applicationName);
    }
}
