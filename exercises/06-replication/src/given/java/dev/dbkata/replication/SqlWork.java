package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a caller wants done on a connection the router chose. The router owns the connection and
 * the transaction around the work: the work must not commit, roll back or close it.
 *
 * <p>A read's work may run more than once (on another node, after the first one failed), so it
 * must have no effects outside the database it reads.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
