package dev.dbkata.warehouse;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Task columnar-vs-row (reference): the same aggregate, written once for each engine. The
 * grouping happens in the database; only the 2,400 groups travel.
 */
public final class RevenueQueries {

    private RevenueQueries() {
    }

    public static SortedMap<String, BigDecimal> onPostgres(Connection postgres) {
        return run(postgres, "SELECT date_trunc('month', sold_at) AS m, customer_id % 100 AS b, sum(amount)"
                + " FROM big_sales GROUP BY 1, 2");
    }

    public static SortedMap<String, BigDecimal> onDuckDb(Connection duckdb) {
        return run(duckdb, "SELECT date_trunc('month', sold_at) AS m, customer_id % 100 AS b, sum(amount)"
                + " FROM big_sales GROUP BY 1, 2");
    }

    private static SortedMap<String, BigDecimal> run(Connection connection, String sql) {
        SortedMap<String, BigDecimal> revenue = new TreeMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                LocalDateTime month = rs.getObject(1, LocalDateTime.class);
                long bucket = rs.getLong(2);
                revenue.put(RevenueKey.of(month.getYear(), month.getMonthValue(), bucket),
                        rs.getBigDecimal(3).setScale(2, RoundingMode.UNNECESSARY));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Revenue query failed: " + e.getMessage(), e);
        }
        return revenue;
    }
}
