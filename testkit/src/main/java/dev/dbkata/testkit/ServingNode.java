package dev.dbkata.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * Which server answered on a connection, as the server itself reports it: the port it listens on
 * ({@code inet_server_port()}) and whether it is a standby ({@code pg_is_in_recovery()}). Tests
 * use this as proof of routing instead of trusting the code under test to say where it went.
 */
public record ServingNode(int port, boolean inRecovery) {

    /** Asks the server behind {@code connection}; runs one query on it. */
    public static ServingNode of(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "/* dbkata */ SELECT inet_server_port(), pg_is_in_recovery()")) {
            rs.next();
            return new ServingNode(rs.getInt(1), rs.getBoolean(2));
        }
    }

    /** Borrows a connection from {@code dataSource} and asks. */
    public static ServingNode of(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return of(connection);
        }
    }

    public boolean isReplica() {
        return inRecovery;
    }

    public boolean isPrimary() {
        return !inRecovery;
    }

    @Override
    public String toString() {
        return (inRecovery ? "replica" : "primary") + " on port " + port;
    }
}
