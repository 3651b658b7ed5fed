package dev.dbkata.loadbalancing;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a caller wants done on a connection to the server the balancer chose. The balancer owns the
 * connection: the work must not close it.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
