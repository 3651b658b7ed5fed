package dev.dbkata.captheorem;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a caller wants done on a connection the code under test chose and owns. The work must not
 * commit, roll back or close the connection.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
