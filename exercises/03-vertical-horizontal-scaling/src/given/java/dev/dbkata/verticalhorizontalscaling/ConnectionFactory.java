package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new connection to one server; the caller closes it. */
@FunctionalInterface
public interface ConnectionFactory {

    Connection open() throws SQLException;
}
