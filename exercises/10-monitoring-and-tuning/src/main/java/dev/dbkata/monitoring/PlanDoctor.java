package dev.dbkata.monitoring;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Runs a query under {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)} and reports what is wrong
 * with the plan, node by node (task {@code plan-doctor}).
 *
 * <p>What to report, one {@link Finding} per node and kind (figures per loop, as EXPLAIN prints them):
 * <ul>
 *   <li>{@link FindingKind#SEQ_SCAN_FILTERS_MOST_ROWS}: a {@code Seq Scan} that read at least
 *       {@link #LARGE_SCAN_ROWS} rows (kept plus removed by its filter) and threw away at least
 *       {@link #MOST_ROWS} of them;</li>
 *   <li>{@link FindingKind#ROW_ESTIMATE_OFF}: a node whose {@code Plan Rows} and {@code Actual Rows}
 *       differ by a factor of {@link #ESTIMATE_FACTOR} or more, either way (count 0 rows as 1);</li>
 *   <li>{@link FindingKind#SPILLS_TO_DISK}: a {@code Sort} whose sort space type is {@code Disk}, a
 *       {@code Hash} with more than one batch, an {@code Aggregate} whose hash table spilled;</li>
 *   <li>{@link FindingKind#NESTED_LOOP_LARGE_OUTER}: a {@code Nested Loop} whose outer (first) child
 *       produced at least {@link #LARGE_OUTER_ROWS} rows over all its loops.</li>
 * </ul>
 * Nodes that never ran ({@code Actual Loops} = 0) prove nothing and get no finding.
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

    /**
     * Executes {@code sql} on {@code connection} (with its session settings) under
     * {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)} and diagnoses the plan. The statement really
     * runs: pass only queries.
     */
    public List<Finding> examine(Connection connection, String sql) throws SQLException {
        throw new UnsupportedOperationException("TODO(plan-doctor): run EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on"
                + " the connection and diagnose its output");
    }

    /**
     * Diagnoses the text that {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)} printed.
     *
     * @throws IllegalArgumentException when it is not JSON, or not an executed plan (no {@code Actual Rows})
     */
    public List<Finding> diagnose(String explainJson) {
        throw new UnsupportedOperationException("TODO(plan-doctor): walk the plan tree and report wasteful"
                + " sequential scans, estimates off by 10×, spills to disk and nested loops over a large outer side");
    }
}
