package dev.dbkata.verticalhorizontalscaling;

import javax.sql.DataSource;

/** TODO: replace with the exercise's real code; this class only shows the shape of a task. */
public final class ServerVersion {

    private ServerVersion() {
    }

    /**
     * The major version of the PostgreSQL server behind {@code dataSource} (17 for 17.6), asked
     * from the server in one statement.
     *
     * @throws IllegalStateException when the server cannot be asked
     */
    public static int major(DataSource dataSource) {
        throw new UnsupportedOperationException("TODO(server-version): ask the server for server_version_num");
    }
}
