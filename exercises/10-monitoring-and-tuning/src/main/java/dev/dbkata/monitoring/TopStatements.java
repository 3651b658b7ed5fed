package dev.dbkata.monitoring;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * Ranks the statements of the current database by what they cost, from {@code pg_stat_statements}
 * (task {@code top-statements}).
 *
 * <p>The view has one row per user, database, normalised statement ({@code queryid}) and nesting
 * level. The ranking has one entry per {@code queryid} of the current database, top-level
 * statements only, with the text as the server normalised it. The tool's own queries never appear
 * in it, however often it runs.
 *
 * <p>Thread-safe: each call borrows one connection and keeps no state.
 */
public final class TopStatements {

    private final DataSource dataSource;

    public TopStatements(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The {@code limit} costliest statements by {@code by}, costliest first: by
     * {@code total_exec_time}, by execution time per call, or by {@code calls}. Figures are the
     * view's, summed over its rows of the same {@code queryid}; the mean is total over calls.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public List<StatementCost> top(RankBy by, int limit) throws SQLException {
        throw new UnsupportedOperationException("TODO(top-statements): read pg_stat_statements for the current"
                + " database, one entry per queryid, ranked by total time, mean time or calls, without the tool's"
                + " own queries");
    }
}
