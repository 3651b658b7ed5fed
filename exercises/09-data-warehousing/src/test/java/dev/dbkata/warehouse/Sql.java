package dev.dbkata.warehouse;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;

import dev.dbkata.testkit.PostgresNode;

/** What the tests ask either engine directly, without the code under test in between. */
final class Sql {

    private Sql() {
    }

    /** Creates the subscription app's tables and a deterministic year of orders (2025, UTC). */
    static void oltpFixture(PostgresNode node) {
        node.runScript("/warehouse/oltp.sql");
    }

    /** Every row of {@code sql}, its columns joined with {@code " | "}. */
    static List<String> rows(Connection connection, String sql, Object... params) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= columns; c++) {
                        if (c > 1) {
                            row.append(" | ");
                        }
                        row.append(rs.getString(c));
                    }
                    rows.add(row.toString());
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + e.getMessage() + "\n  " + sql, e);
        }
    }

    static List<String> rows(PostgresNode node, String sql, Object... params) {
        try (Connection c = node.dataSource().getConnection()) {
            return rows(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(Connection connection, String sql, Object... params) {
        return Long.parseLong(rows(connection, sql, params).get(0));
    }

    /** {@code key -> sum} from a query whose rows are (text, number); numbers compared by value. */
    static Map<String, BigDecimal> sums(Connection connection, String sql) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                BigDecimal value = new BigDecimal(rs.getString(2));
                sums.put(rs.getString(1), value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + e.getMessage() + "\n  " + sql, e);
        }
        return sums;
    }

    static Map<String, BigDecimal> sums(PostgresNode node, String sql) {
        try (Connection c = node.dataSource().getConnection()) {
            return sums(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(Connection connection, String... statements) {
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** Whether the warehouse has a table of that name. */
    static boolean hasTable(Connection duck, String table) {
        return count(duck, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", table) > 0;
    }

    /** Runs {@code work} while the JVM's default time zone is {@code zone}, then restores it. */
    static void inJvmZone(String zone, Runnable work) {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            work.run();
        } finally {
            TimeZone.setDefault(before);
        }
    }
}
