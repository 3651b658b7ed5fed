package dev.dbkata.monitoring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Chooses the fewest indexes, from a list of candidates, that bring every query of a workload
 * under a budget of shared buffers per execution, and creates them.
 *
 * <p>Every figure comes from {@code EXPLAIN (ANALYZE, BUFFERS)}: buffers touched are what a query
 * costs the server whatever else the machine is doing, unlike a stopwatch. Each candidate is tried
 * for real, inside a transaction that is rolled back, so the planner itself says whether it would
 * use the index and what that saves.
 */
public final class IndexAdvisor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INDEX_NAME = Pattern.compile(
            "(?i)^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\"[^\"]+\"|\\w+)\\s+ON\\s");

    private final DataSource dataSource;

    public IndexAdvisor(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Shared buffers (hit + read) that one execution of {@code sql} touches, from
     * {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)}: the top plan node's counts, which include
     * its children's. Planning buffers are not counted. The query really runs.
     */
    public static long sharedBuffers(Connection connection, String sql) throws SQLException {
        JsonNode plan = explain(connection, sql);
        return plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong();
    }

    /**
     * Creates at most {@code maxIndexes} of the {@code candidates} so that every query of
     * {@code workload} touches at most {@code bufferBudget} shared buffers per execution: the
     * smallest such set, each index used by the planner for at least one query.
     *
     * @param workload     read-only queries
     * @param candidates   named {@code CREATE INDEX name ON ...} statements
     * @return the chosen indexes and the buffers per query before and after
     * @throws IllegalArgumentException when a candidate has no name, or no allowed set of candidates
     *                                  meets the budget (then nothing is created)
     */
    public Advice advise(List<String> workload, List<String> candidates, long bufferBudget, int maxIndexes)
            throws SQLException {
        if (workload.isEmpty() || maxIndexes < 0 || bufferBudget < 0) {
            throw new IllegalArgumentException("need a workload, a budget and a number of indexes of 0 or more");
        }
        List<String> names = candidates.stream().map(IndexAdvisor::indexName).toList();
        try (Connection c = dataSource.getConnection()) {
            Map<String, Long> before = measure(c, workload);
            // cost[i][q]: buffers of query q with candidate i alone, or -1 when the planner ignores it.
            long[][] cost = new long[candidates.size()][];
            for (int i = 0; i < candidates.size(); i++) {
                cost[i] = tryCandidate(c, candidates.get(i), names.get(i), workload);
            }
            List<Integer> chosen = smallestSet(before, cost, workload, bufferBudget, maxIndexes);
            if (chosen == null) {
                throw new IllegalArgumentException("No set of at most " + maxIndexes + " of the candidates brings"
                        + " every query under " + bufferBudget + " buffers; buffers before: " + before);
            }
            List<String> created = new ArrayList<>();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (int i : chosen) {
                    s.execute(candidates.get(i));
                    created.add(candidates.get(i));
                }
                Map<String, Long> after = measure(c, workload);
                List<String> over = workload.stream().filter(q -> after.get(q) > bufferBudget).toList();
                if (!over.isEmpty()) {
                    // The indexes interfere (the planner picked another one): keep nothing.
                    c.rollback();
                    throw new IllegalStateException("Together the chosen indexes " + created
                            + " still leave queries over budget: " + over + " (after: " + after + ")");
                }
                c.commit();
                return new Advice(created, before, after);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Creates the candidate in a transaction, measures every query, rolls back. */
    private static long[] tryCandidate(Connection c, String ddl, String name, List<String> workload)
            throws SQLException {
        long[] buffers = new long[workload.size()];
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(ddl);
            for (int q = 0; q < workload.size(); q++) {
                JsonNode plan = explain(c, workload.get(q));
                boolean used = usesIndex(plan, name);
                buffers[q] = used ? plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong()
                        : -1;
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        return buffers;
    }

    /**
     * The smallest set of candidates (then the one with the fewest buffers in all) that brings every
     * query under budget, assuming each query uses the best index of the set for it; null if none.
     */
    private static List<Integer> smallestSet(Map<String, Long> before, long[][] cost, List<String> workload,
            long budget, int maxIndexes) {
        int n = cost.length;
        for (int size = 0; size <= Math.min(maxIndexes, n); size++) {
            List<Integer> best = null;
            long bestTotal = Long.MAX_VALUE;
            for (List<Integer> set : combinations(n, size)) {
                long total = 0;
                boolean fits = true;
                boolean[] useful = new boolean[n];
                for (int q = 0; q < workload.size() && fits; q++) {
                    long cheapest = before.get(workload.get(q));
                    int by = -1;
                    for (int i : set) {
                        if (cost[i][q] >= 0 && cost[i][q] < cheapest) {
                            cheapest = cost[i][q];
                            by = i;
                        }
                    }
                    if (by >= 0) {
                        useful[by] = true;
                    }
                    fits = cheapest <= budget;
                    total += cheapest;
                }
                // An index no query would use costs writes and space for nothing.
                boolean allUseful = set.stream().allMatch(i -> useful[i]);
                if (fits && allUseful && total < bestTotal) {
                    best = set;
                    bestTotal = total;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    private static List<List<Integer>> combinations(int n, int size) {
        List<List<Integer>> all = new ArrayList<>();
        combine(n, size, 0, new ArrayList<>(), all);
        return all;
    }

    private static void combine(int n, int size, int from, List<Integer> current, List<List<Integer>> all) {
        if (current.size() == size) {
            all.add(List.copyOf(current));
            return;
        }
        for (int i = from; i < n; i++) {
            current.add(i);
            combine(n, size, i + 1, current, all);
            current.remove(current.size() - 1);
        }
    }

    private static Map<String, Long> measure(Connection c, List<String> workload) throws SQLException {
        Map<String, Long> buffers = new LinkedHashMap<>();
        for (String query : workload) {
            buffers.put(query, sharedBuffers(c, query));
        }
        return buffers;
    }

    private static JsonNode explain(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
            rs.next();
            JsonNode tree = JSON.readTree(rs.getString(1));
            return tree.get(0).get("Plan");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("EXPLAIN returned no JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static boolean usesIndex(JsonNode node, String indexName) {
        if (indexName.equals(node.path("Index Name").asText())) {
            return true;
        }
        for (JsonNode child : node.path("Plans")) {
            if (usesIndex(child, indexName)) {
                return true;
            }
        }
        return false;
    }

    private static String indexName(String ddl) {
        Matcher m = INDEX_NAME.matcher(ddl);
        if (!m.find()) {
            throw new IllegalArgumentException("A candidate must be CREATE INDEX <name> ON ...: " + ddl);
        }
        String name = m.group(1);
        return name.startsWith("\"") ? name.substring(1, name.length() - 1) : name.toLowerCase(java.util.Locale.ROOT);
    }
}
