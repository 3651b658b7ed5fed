package dev.dbkata.warehouse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the warehouse: a DuckDB database in one file, running inside this JVM.
 *
 * <p>Every connection it opens works in UTC ({@code SET TimeZone = 'UTC'}). DuckDB otherwise takes
 * the machine's time zone for {@code TIMESTAMPTZ} arithmetic, and a sale made at 23:30 UTC on the
 * last day of a month would belong to another month on a laptop in Berlin. The warehouse stores
 * instants as {@code TIMESTAMP} (no zone) holding UTC wall-clock time.
 */
public final class DuckDb {

    private DuckDb() {
    }

    /** A new connection to the DuckDB file {@code file} (created if missing), in UTC; the caller closes it. */
    public static Connection open(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
        try (Statement s = connection.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
