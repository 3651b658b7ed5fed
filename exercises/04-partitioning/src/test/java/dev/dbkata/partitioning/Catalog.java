package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.dbkata.testkit.PostgresNode;

/** What the server says about tables and rows: the evidence the tests judge by. */
final class Catalog {

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
