package dev.dbkata.fundamentals;

import java.util.Objects;

/**
 * How the application reaches its database: the server, the role it logs in as, the name it
 * shows in {@code pg_stat_activity}, and how many server connections it may hold at most.
 *
 * <p>The role is an ordinary one, not a superuser: when the server runs out of connection slots,
 * the application is refused ({@code FATAL: sorry, too many clients already}, SQLSTATE 53300)
 * while an administrator can still log in on the slots reserved for superusers.
 *
 * @param jdbcUrl         {@code jdbc:postgresql://host:port/database}
 * @param user            the application's role
 * @param password        its password
 * @param applicationName what {@code pg_stat_activity.application_name} shows for every
 *                        connection the application opens (pgjdbc's {@code ApplicationName}
 *                        property)
 * @param maxConnections  the most server connections the application may hold at any moment
 */
public record AppDatabase(String jdbcUrl, String user, String password, String applicationName, int maxConnections) {

    public AppDatabase {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(applicationName, "applicationName");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
    }
}
