package dev.dbkata.monitoring;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * Chooses the fewest indexes, from a list of candidates, that bring every query of a workload
 * under a budget of shared buffers per execution, and creates them (task {@code index-advisor}).
 *
 * <p>Every figure comes from {@code EXPLAIN (ANALYZE, BUFFERS)}, never from a stopwatch: buffers
 * touched are what a query costs the server, whatever else the machine is doing.
 */
public final class IndexAdvisor {

    private final DataSource dataSource;

    public IndexAdvisor(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Shared buffers (hit + read) that one execution of {@code sql} touches, from
     * {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)}: the top plan node's {@code Shared Hit Blocks}
     * plus {@code Shared Read Blocks}, which include its children's. Planning buffers do not count.
     * The query really runs, on {@code connection}.
     */
    public static long sharedBuffers(Connection connection, String sql) throws SQLException {
        throw new UnsupportedOperationException("TODO(index-advisor): run EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)"
                + " and add the top node's shared hit and read blocks");
    }

    /**
     * Creates at most {@code maxIndexes} of the {@code candidates} so that every query of
     * {@code workload} touches at most {@code bufferBudget} shared buffers per execution: a smallest
     * such set, every index of which the planner uses for at least one query of the workload. A
     * composite or partial index counts as one.
     *
     * @param workload   read-only queries
     * @param candidates named {@code CREATE INDEX name ON ...} statements (the name is how a plan
     *                   shows that the index is used)
     * @return the statements it ran, and the buffers per query before and after, measured
     * @throws IllegalArgumentException when a candidate has no name, or no set of at most
     *                                  {@code maxIndexes} candidates meets the budget; nothing is
     *                                  created then
     */
    public Advice advise(List<String> workload, List<String> candidates, long bufferBudget, int maxIndexes)
            throws SQLException {
        throw new UnsupportedOperationException("TODO(index-advisor): measure each query's buffers, try each"
                + " candidate in a transaction you roll back, and create the smallest set that brings every query under"
                + " the budget");
    }
}
