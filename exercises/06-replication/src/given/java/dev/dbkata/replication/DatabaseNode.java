package dev.dbkata.replication;

import java.util.Objects;

/**
 * Where one PostgreSQL server can be reached. The router opens its own connections from this,
 * so that it alone decides how long to wait for a server that does not answer.
 *
 * @param name    a name for messages and logs, such as {@code replica1}; unique among the nodes
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database}, without timeout parameters
 * @param user    the user to log in as (the kata's servers need no password)
 */
public record DatabaseNode(String name, String jdbcUrl, String user) {

    public DatabaseNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("Expected a PostgreSQL JDBC URL for " + name + ", got " + jdbcUrl);
        }
    }

    @Override
    public String toString() {
        return name + " (" + jdbcUrl + ")";
    }
}
