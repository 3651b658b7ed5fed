package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a caller wants read on a connection the router chose. The router owns the connection and
 * its transaction: the work must not commit, roll back or close it.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
