package dev.dbkata.partitioning;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A data source whose sessions run in a time zone far from UTC. Code that writes month bounds
 * without an offset gets them read in this zone, and its months shift: the tests hand this to the
 * code under test to make such a mistake visible on a server that otherwise runs in UTC.
 */
final class SessionTimeZone implements DataSource {

    /** UTC+14: a month bound read in this zone starts 14 hours before the UTC month does. */
    static final String FAR_FROM_UTC = "Pacific/Kiritimati";

    private final DataSource pool;
    private final String zone;

    private SessionTimeZone(DataSource pool, String zone) {
        this.pool = pool;
        this.zone = zone;
    }

    static DataSource farFromUtc(DataSource pool) {
        return new SessionTimeZone(pool, FAR_FROM_UTC);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = pool.getConnection();
        try (Statement s = connection.createStatement()) {
            s.execute("SET TimeZone = '" + zone + "'");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the test pool has one user");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return pool.isWrapperFor(type);
    }
}
