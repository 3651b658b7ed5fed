package dev.dbkata.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import javax.sql.DataSource;

/**
 * What one server executed, from {@code pg_stat_statements}: the proof that a cache saved
 * queries or that a router sent statements where it should.
 *
 * <p>Counts cover the {@code postgres} database and leave out the testkit's own statements
 * (marked {@code /* dbkata *&#47;}) and queries on {@code pg_stat_statements} itself. Counting on
 * a replica counts what ran on that replica.
 */
public final class StatementStats {

    /** One normalised statement (constants replaced by {@code $1}, ...) and how often it ran. */
    public record Entry(String query, long calls, long rows) {
    }

    private final DataSource dataSource;
    private final String nodeName;

    StatementStats(DataSource dataSource, String nodeName) {
        this.dataSource = dataSource;
        this.nodeName = nodeName;
    }

    /** Forgets everything counted so far on this server. */
    public void reset() {
        run("/* dbkata */ SELECT pg_stat_statements_reset()");
    }

    /** Every statement counted since the last reset, most called first. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("/* dbkata */ SELECT query, calls, rows FROM pg_stat_statements"
                     + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                     + " ORDER BY calls DESC, query")) {
            while (rs.next()) {
                String query = rs.getString(1);
                if (!isOwnQuery(query)) {
                    entries.add(new Entry(query, rs.getLong(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read pg_stat_statements on " + nodeName + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** How many times statements whose text contains {@code fragment} (ignoring case) ran. */
    public long callsContaining(String fragment) {
        String needle = fragment.toLowerCase(Locale.ROOT);
        return calls(query -> query.toLowerCase(Locale.ROOT).contains(needle));
    }

    /** How many times statements matching {@code filter} ran. */
    public long calls(Predicate<String> filter) {
        return entries().stream().filter(e -> filter.test(e.query())).mapToLong(Entry::calls).sum();
    }

    /** How many statements ran in all, of any kind (including BEGIN, COMMIT and SET). */
    public long totalCalls() {
        return entries().stream().mapToLong(Entry::calls).sum();
    }

    /** How many {@code SELECT}s ran. */
    public long selectCalls() {
        return calls(query -> query.stripLeading().toLowerCase(Locale.ROOT).startsWith("select"));
    }

    private static boolean isOwnQuery(String query) {
        return query.contains("/* dbkata */") || query.contains("pg_stat_statements");
    }

    private void run(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run \"" + sql + "\" on " + nodeName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("statements on " + nodeName + ":");
        entries().forEach(e -> out.append("\n  ").append(e.calls()).append(" x ").append(e.query()));
        return out.toString();
    }
}
