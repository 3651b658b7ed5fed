package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** Parallel query for one session: turn it on, prove it from the plan, and say why a query cannot use it. */
public final class ParallelQueries {

    private static final Pattern CALL = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\s*\\(");

    /**
     * Lets this session (and only this session) plan {@code sql} with parallel workers, runs it
     * with {@code EXPLAIN (ANALYZE, FORMAT JSON)} and reports its Gather node.
     *
     * @throws IllegalStateException if the executed plan has no Gather or Gather Merge node
     */
    public ParallelEvidence runInParallel(Connection session, String sql) throws SQLException {
        try (Statement s = session.createStatement()) {
            // SET lasts until the session ends: other sessions keep the server's configuration.
            s.execute("SET max_parallel_workers_per_gather = 2");
            s.execute("SET parallel_setup_cost = 0");
            s.execute("SET parallel_tuple_cost = 0");
            s.execute("SET min_parallel_table_scan_size = 0");
        }
        for (JsonNode node : WorkMemTuner.explainAnalyze(session, sql)) {
            String type = node.path("Node Type").asText();
            if (type.equals("Gather") || type.equals("Gather Merge")) {
                return new ParallelEvidence(node.path("Workers Planned").asInt(), node.path("Workers Launched").asInt());
            }
        }
        throw new IllegalStateException("The plan of " + sql + " has no Gather node even with parallel query on");
    }

    /**
     * The function that keeps {@code sql} from running in parallel, from {@code pg_proc}: the
     * first function it calls that is parallel unsafe ({@code 'u'}), else the first restricted one.
     *
     * @throws IllegalArgumentException if nothing the query calls is unsafe or restricted
     */
    public ParallelBlocker whyNotParallel(Connection session, String sql) throws SQLException {
        Set<String> called = new LinkedHashSet<>();
        Matcher m = CALL.matcher(sql.toLowerCase(Locale.ROOT));
        while (m.find()) {
            called.add(m.group(1));
        }
        try (PreparedStatement p = session.prepareStatement(
                "SELECT proname, proparallel FROM pg_proc"
                        + " WHERE proname = ANY (?) AND pg_function_is_visible(oid) AND proparallel <> 's'"
                        + " ORDER BY proparallel = 'u' DESC, array_position(?, proname::text)")) {
            String[] names = called.toArray(String[]::new);
            p.setArray(1, session.createArrayOf("text", names));
            p.setArray(2, session.createArrayOf("text", names));
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    return new ParallelBlocker(rs.getString(1), rs.getString(2).charAt(0));
                }
            }
        }
        throw new IllegalArgumentException("Nothing " + sql + " calls is parallel unsafe or restricted in pg_proc");
    }
}
