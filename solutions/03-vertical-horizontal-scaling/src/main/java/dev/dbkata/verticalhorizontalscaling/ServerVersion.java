package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/** TODO: replace with the exercise's real reference code. */
public final class ServerVersion {

    private ServerVersion() {
    }

    public static int major(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SHOW server_version_num")) {
            result.next();
            return Integer.parseInt(result.getString(1)) / 10_000;
        } catch (SQLException e) {
            throw new IllegalStateException("could not ask the server for its version: " + e.getMessage(), e);
        }
    }
}
