package dev.dbkata.fundamentals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The time-tracking app's way to its database: every web request borrows a server connection
 * here, runs its statements and gives the connection back.
 *
 * <p>Thread-safe: hundreds of request threads call {@link #execute} at once.
 */
public final class TimesheetService implements AutoCloseable {

    private final HikariDataSource pool;

    /**
     * Gets ready to serve requests for {@code database}: a HikariCP pool of exactly
     * {@code maxConnections} connections, checked first against what the server allows.
     */
    public TimesheetService(AppDatabase database) throws SQLException {
        requireServerRoomFor(database);
        HikariConfig config = new HikariConfig();
        config.setPoolName("timesheet-" + database.applicationName());
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        // The hard limit. A fixed-size pool (minimumIdle = maximum, Hikari's default) keeps the
        // connections warm and never creates one on a request's time.
        config.setMaximumPoolSize(database.maxConnections());
        // A request that finds every connection busy queues here, inside the application, where
        // waiting is cheap, instead of opening a server process that would compete for the CPU.
        config.setConnectionTimeout(30_000);
        config.addDataSourceProperty("ApplicationName", database.applicationName());
        this.pool = new HikariDataSource(config);
    }

    /**
     * Refuses a pool the server could never fill: ordinary roles get {@code max_connections}
     * minus the reserved slots, and a role may have a limit of its own.
     */
    private static void requireServerRoomFor(AppDatabase database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", database.user());
        if (database.password() != null) {
            props.setProperty("password", database.password());
        }
        props.setProperty("ApplicationName", database.applicationName());
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), props);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int,"
                     + " current_setting('superuser_reserved_connections')::int,"
                     + " current_setting('reserved_connections')::int,"
                     + " (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user)")) {
            rs.next();
            int max = rs.getInt(1);
            int superuserReserved = rs.getInt(2);
            int reserved = rs.getInt(3);
            int roleLimit = rs.getInt(4);
            int available = max - superuserReserved - reserved;
            if (roleLimit >= 0) {
                available = Math.min(available, roleLimit);
            }
            if (database.maxConnections() > available) {
                throw new IllegalArgumentException("a pool of " + database.maxConnections() + " connections can never"
                        + " be filled: max_connections = " + max + " leaves " + available + " for the ordinary role "
                        + database.user() + " (" + superuserReserved + " reserved for superusers, " + reserved
                        + " reserved_connections" + (roleLimit >= 0 ? ", role limit " + roleLimit : "") + ")");
            }
        }
    }

    /** Runs one request's work on a pooled connection, which goes back to the pool afterwards. */
    public <T> T execute(SqlWork<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
