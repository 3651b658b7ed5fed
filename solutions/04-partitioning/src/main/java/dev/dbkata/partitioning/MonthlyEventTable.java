package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;

import javax.sql.DataSource;

/**
 * The {@code events} table, split by calendar month (UTC) with PostgreSQL's declarative range
 * partitioning, plus a default partition for rows no month partition accepts.
 *
 * <p>Reference solution. Each month's bounds are written as UTC instants, so the session's
 * {@code TimeZone} cannot shift them; a new month whose rows already sit in the default partition
 * is built beside the table, filled from the default and attached, all in one transaction.
 */
public final class MonthlyEventTable {

    public static final String TABLE = "events";
    public static final String DEFAULT_PARTITION = "events_default";

    private static final DateTimeFormatter UTC_LITERAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");

    private final DataSource dataSource;

    public MonthlyEventTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The partition that holds {@code month}: {@code events_2026_01} for January 2026. */
    public static String partitionName(YearMonth month) {
        return String.format("%s_%04d_%02d", TABLE, month.getYear(), month.getMonthValue());
    }

    public void createTable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + " id bigint NOT NULL,"
                    + " occurred_at timestamptz NOT NULL,"
                    + " region text NOT NULL,"
                    + " customer_id bigint NOT NULL,"
                    + " payload text"
                    + ") PARTITION BY RANGE (occurred_at)");
            s.execute("CREATE TABLE IF NOT EXISTS " + DEFAULT_PARTITION + " PARTITION OF " + TABLE + " DEFAULT");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create " + TABLE + ": " + e.getMessage(), e);
        }
    }

    public void ensurePartitions(YearMonth from, YearMonth to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
        for (YearMonth month = from; !month.isAfter(to); month = month.plusMonths(1)) {
            ensurePartition(month);
        }
    }

    private void ensurePartition(YearMonth month) {
        String partition = partitionName(month);
        String lower = utcLiteral(month);
        String upper = utcLiteral(month.plusMonths(1));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // Serialises concurrent callers and keeps inserts out while rows leave the default;
                // the lock lasts only as long as this month's transaction.
                s.execute("LOCK TABLE " + TABLE + " IN SHARE ROW EXCLUSIVE MODE");
                if (existingPartitions(c).contains(partition)) {
                    c.rollback();
                    return;
                }
                // PostgreSQL refuses to attach a month while the default holds rows of it, so the
                // month is built as a plain table, given the strays, and only then attached.
                s.execute("CREATE TABLE " + partition + " (LIKE " + TABLE + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                s.execute("WITH strays AS (DELETE FROM " + DEFAULT_PARTITION
                        + " WHERE occurred_at >= '" + lower + "' AND occurred_at < '" + upper + "' RETURNING *)"
                        + " INSERT INTO " + partition + " SELECT * FROM strays");
                s.execute("ALTER TABLE " + TABLE + " ATTACH PARTITION " + partition
                        + " FOR VALUES FROM ('" + lower + "') TO ('" + upper + "')");
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create partition " + partition + ": " + e.getMessage(), e);
        }
    }

    private static Set<String> existingPartitions(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = ?::regclass")) {
            s.setString(1, TABLE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String utcLiteral(YearMonth month) {
        return month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC).format(UTC_LITERAL);
    }
}
