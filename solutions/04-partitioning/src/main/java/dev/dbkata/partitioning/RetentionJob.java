package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * Removes whole months from the monthly-partitioned {@code events} table, keeping a copy of their
 * rows in {@code events_archive}.
 *
 * <p>Reference solution: detach each old month concurrently (autocommit, as PostgreSQL requires),
 * then in one transaction copy it into the archive, check the count and drop it. A failure leaves
 * the month table, attached or detached, with all its rows; the next run picks it up again.
 */
public final class RetentionJob {

    public static final String TABLE = "events";
    public static final String ARCHIVE = "events_archive";

    private static final Pattern MONTH_TABLE = Pattern.compile(TABLE + "_(\\d{4})_(\\d{2})");

    /** A month table and whether it is still (perhaps half-) attached to {@code events}. */
    private record MonthTable(String name, boolean attached, boolean detachPending) {
    }

    private final DataSource dataSource;

    public RetentionJob(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public RetentionReport dropMonthsBefore(YearMonth cutoff) {
        List<String> dropped = new ArrayList<>();
        long archived = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            for (MonthTable month : monthTablesBefore(c, cutoff)) {
                detach(c, month);
                archived += archiveAndDrop(c, month.name());
                dropped.add(month.name());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Retention stopped after dropping " + dropped + ": " + e.getMessage(), e);
        }
        return new RetentionReport(dropped, archived);
    }

    /** Attached partitions and tables left detached by an earlier, failed run, oldest first. */
    private static List<MonthTable> monthTablesBefore(Connection c, YearMonth cutoff) throws SQLException {
        TreeMap<YearMonth, MonthTable> months = new TreeMap<>();
        String sql = "SELECT c.relname, i.inhrelid IS NOT NULL, coalesce(i.inhdetachpending, false)"
                + " FROM pg_class c"
                + " LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = ?::regclass"
                + " WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, TABLE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Matcher name = MONTH_TABLE.matcher(rs.getString(1));
                    if (name.matches()) {
                        YearMonth month = YearMonth.of(Integer.parseInt(name.group(1)), Integer.parseInt(name.group(2)));
                        if (month.isBefore(cutoff)) {
                            months.put(month, new MonthTable(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)));
                        }
                    }
                }
            }
        }
        return new ArrayList<>(months.values());
    }

    private static void detach(Connection c, MonthTable month) throws SQLException {
        if (!month.attached()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            // CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE on events, which readers and writers
            // never wait for; it waits for them instead. FINALIZE completes a detach that was
            // interrupted between its two transactions.
            s.execute("ALTER TABLE " + TABLE + " DETACH PARTITION " + month.name()
                    + (month.detachPending() ? " FINALIZE" : " CONCURRENTLY"));
        }
    }

    private static long archiveAndDrop(Connection c, String monthTable) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            long copied = s.executeLargeUpdate("INSERT INTO " + ARCHIVE + " SELECT * FROM " + monthTable);
            long present;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + monthTable)) {
                rs.next();
                present = rs.getLong(1);
            }
            if (copied != present) {
                throw new SQLException("archived " + copied + " rows of " + monthTable + " but it holds " + present);
            }
            s.execute("DROP TABLE " + monthTable);
            c.commit();
            return copied;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
