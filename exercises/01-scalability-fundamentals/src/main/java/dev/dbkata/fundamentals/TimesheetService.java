package dev.dbkata.fundamentals;

import java.sql.SQLException;

/**
 * The time-tracking app's way to its database: every web request borrows a server connection
 * here, runs its statements and gives the connection back.
 *
 * <p>Thread-safe: hundreds of request threads call {@link #execute} at once.
 */
public final class TimesheetService implements AutoCloseable {

    /**
     * Gets ready to serve requests for {@code database}.
     *
     * <p>The application never holds more than {@code database.maxConnections()} server
     * connections at a time, however many requests arrive together: a request that finds them
     * all busy waits for one to come back (up to 30 s) instead of opening another. Every connection
     * logs in as {@code database.user()} and shows {@code database.applicationName()} in
     * {@code pg_stat_activity}.
     *
     * @throws IllegalArgumentException when {@code database.maxConnections()} is more than the
     *         server can ever give this role: {@code max_connections} minus the slots reserved
     *         for superusers ({@code superuser_reserved_connections}) and for roles granted
     *         {@code pg_use_reserved_connections} ({@code reserved_connections}). The message names
     *         {@code max_connections} and both numbers.
     * @throws SQLException when the server cannot be reached to check that
     */
    public TimesheetService(AppDatabase database) throws SQLException {
        throw new UnsupportedOperationException("TODO(connection-pool): create a bounded connection pool (HikariCP)"
                + " of at most database.maxConnections() connections, after checking that the server's max_connections"
                + " leaves that many slots for an ordinary role");
    }

    /**
     * Runs one request's work on a connection of its own for the time of the call, in autocommit
     * mode, and returns what the work returns. The connection goes back for the next request
     * even when the work throws.
     *
     * @throws SQLException what the work threw, or when no connection came back within 30 s
     */
    public <T> T execute(SqlWork<T> work) throws SQLException {
        throw new UnsupportedOperationException("TODO(connection-pool): borrow a connection from the pool, run the"
                + " work on it, and give it back");
    }

    /** Closes every server connection the service holds; it serves no request afterwards. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO(connection-pool): close the pool and with it every server"
                + " connection");
    }
}
