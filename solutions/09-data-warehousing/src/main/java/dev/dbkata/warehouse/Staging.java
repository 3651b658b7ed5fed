package dev.dbkata.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The offline extract path of the reference: a PostgreSQL result set, read in batches, appended row
 * by row into a DuckDB table through DuckDB's Appender (no extension, no network).
 */
final class Staging {

    private Staging() {
    }

    /**
     * Runs {@code query} on PostgreSQL (a read-only transaction of its own) and appends every row to
     * the DuckDB table {@code table}, which must have matching columns. Timestamps with a zone become
     * UTC wall-clock {@code TIMESTAMP}s. Returns the number of rows.
     */
    static long copy(DataSource postgres, String query, Connection warehouse, String table, Object... params)
            throws SQLException {
        try (Connection pg = postgres.getConnection()) {
            pg.setAutoCommit(false);
            pg.setReadOnly(true);
            try {
                long rows = copy(pg, query, warehouse, table, params);
                pg.commit();
                return rows;
            } catch (SQLException | RuntimeException e) {
                pg.rollback();
                throw e;
            }
        }
    }

    /** As above, on a connection (and in a transaction) the caller owns. */
    static long copy(Connection pg, String query, Connection warehouse, String table, Object... params)
            throws SQLException {
        long rows = 0;
        try (PreparedStatement s = pg.prepareStatement(query)) {
            s.setFetchSize(10_000);
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery();
                 DuckDBAppender appender = warehouse.unwrap(DuckDBConnection.class)
                         .createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
                ResultSetMetaData meta = rs.getMetaData();
                int columns = meta.getColumnCount();
                while (rs.next()) {
                    appender.beginRow();
                    for (int c = 1; c <= columns; c++) {
                        append(appender, rs, c, meta.getColumnType(c), meta.getColumnTypeName(c));
                    }
                    appender.endRow();
                    rows++;
                }
            }
        }
        return rows;
    }

    private static void append(DuckDBAppender appender, ResultSet rs, int c, int type, String typeName)
            throws SQLException {
        Object value = switch (type) {
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                OffsetDateTime t = rs.getObject(c, OffsetDateTime.class);
                yield t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            }
            case Types.NUMERIC, Types.DECIMAL -> rs.getBigDecimal(c);
            case Types.BIGINT -> rs.getObject(c, Long.class);
            case Types.INTEGER, Types.SMALLINT -> rs.getObject(c, Integer.class);
            case Types.BOOLEAN, Types.BIT -> rs.getObject(c, Boolean.class);
            default -> rs.getString(c);
        };
        if (value == null) {
            appender.appendNull();
        } else if (value instanceof java.time.LocalDateTime t) {
            appender.append(t);
        } else if (value instanceof java.math.BigDecimal d) {
            appender.append(d);
        } else if (value instanceof Long l) {
            appender.append(l.longValue());
        } else if (value instanceof Integer i) {
            appender.append(i.intValue());
        } else if (value instanceof Boolean b) {
            appender.append(b.booleanValue());
        } else {
            appender.append(value.toString());
        }
    }

    static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Runs {@code work} in one DuckDB transaction: all of it, or (on any failure) none of it. */
    static <T> T inTransaction(Connection warehouse, SqlWork<T> work) throws SQLException {
        boolean autoCommit = warehouse.getAutoCommit();
        warehouse.setAutoCommit(false);
        try {
            T result = work.run();
            warehouse.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            warehouse.rollback();
            throw e;
        } finally {
            warehouse.setAutoCommit(autoCommit);
        }
    }

    interface SqlWork<T> {
        T run() throws SQLException;
    }
}
