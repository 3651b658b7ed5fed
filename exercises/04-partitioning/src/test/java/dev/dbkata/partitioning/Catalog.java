package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.dbkata.testkit.PostgresNode;

/** What the server says about tables and rows: the evidence the tests judge by. */
final class Catalog {

    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private Catalog() {
    }

    /** The partitions attached to {@code parent}, by name, sorted. */
    static List<String> partitionsOf(PostgresNode node, String parent) {
        return strings(node, "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = ?::regclass ORDER BY 1",
                parent);
    }

    /** Whether a table of that name exists, attached to a parent or not. */
    static boolean tableExists(PostgresNode node, String table) {
        return node.queryValue("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table);
    }

    /** For each row of {@code table} (a parent: its partitions' rows), the table that really holds it, by id. */
    static Map<Long, String> homeOfEachRow(PostgresNode node, String table) {
        Map<Long, String> homes = new TreeMap<>();
        try (Connection c = node.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, tableoid::regclass::text FROM " + table);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                homes.put(rs.getLong(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read " + table + ": " + e.getMessage(), e);
        }
        return homes;
    }

    /**
     * What a new session reads with {@code sql} (one row, one column) from {@code table}, or
     * "waits for a lock" when another transaction holds a lock that readers of {@code table} would
     * have to wait for: the session does not wait, so a test looking in the middle of someone
     * else's transaction never hangs on it.
     */
    static String readWithoutWaiting(PostgresNode node, String table, String sql) {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("LOCK TABLE " + table + " IN ACCESS SHARE MODE NOWAIT");
            } catch (SQLException e) {
                if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    return "waits for a lock";
                }
                throw e;
            }
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read " + table + " from another session: " + e.getMessage(), e);
        }
    }

    static long count(PostgresNode node, String table) {
        return node.queryValue("SELECT count(*) FROM " + table, Long.class);
    }

    static List<String> strings(PostgresNode node, String sql, Object... params) {
        List<String> values = new ArrayList<>();
        try (Connection c = node.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed on " + node + ": " + e.getMessage() + "\n  " + sql, e);
        }
        return values;
    }
}
