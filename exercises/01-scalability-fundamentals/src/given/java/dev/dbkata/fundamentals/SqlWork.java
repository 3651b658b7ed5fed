package dev.dbkata.fundamentals;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One request's work on a connection it is lent: it runs its statements and returns. It must not
 * close the connection, nor keep it after it returns.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
