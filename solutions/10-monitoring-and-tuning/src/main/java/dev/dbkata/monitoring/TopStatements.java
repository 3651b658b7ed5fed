package dev.dbkata.monitoring;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * Ranks the statements of the current database by what they cost, from {@code pg_stat_statements}.
 *
 * <p>Thread-safe: each call borrows one connection and keeps no state.
 */
public final class TopStatements {

    /**
     * Starts the text of every statement this tool runs. Comments survive normalisation, so the
     * marker is how the tool recognises (and leaves out) its own entries.
     */
    static final String OWN_MARK = "/* top-statements */";

    // One row per normalised statement: the view has one per user, database, queryid and nesting
    // level, so entries of the same statement run by two users are added up here.
    private static final String RANKING = OWN_MARK + """
             SELECT queryid, min(query), sum(calls), sum(total_exec_time),
                    sum(total_exec_time) / nullif(sum(calls), 0) AS mean, sum(rows)
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND toplevel
               AND strpos(query, ?) <> 1
             GROUP BY queryid
             ORDER BY %s DESC, queryid
             LIMIT ?""";

    private final DataSource dataSource;

    public TopStatements(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The {@code limit} costliest statements by {@code by}, costliest first.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public List<StatementCost> top(RankBy by, int limit) throws SQLException {
        Objects.requireNonNull(by, "by");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        String orderBy = switch (by) {
            case TOTAL_TIME -> "sum(total_exec_time)";
            case MEAN_TIME -> "mean";
            case CALLS -> "sum(calls)";
        };
        List<StatementCost> ranked = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(RANKING.formatted(orderBy))) {
            s.setString(1, OWN_MARK);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ranked.add(new StatementCost(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getDouble(4),
                            rs.getDouble(5), rs.getLong(6)));
                }
            }
        }
        return ranked;
    }
}
