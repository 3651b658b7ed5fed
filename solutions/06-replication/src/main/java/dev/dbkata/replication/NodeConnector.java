package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections that cannot hang: a server that accepts the TCP connection and then never
 * answers (frozen, partitioned, swapping) costs at most the connect or socket timeout.
 */
final class NodeConnector {

    private final Properties properties = new Properties();

    NodeConnector(RouterSettings settings) {
        String connect = Long.toString(settings.connectTimeout().toSeconds());
        // connectTimeout bounds the TCP handshake only, and a frozen server's kernel completes
        // that. socketTimeout bounds every wait for an answer, the login reply included;
        // loginTimeout bounds the whole login as well, in case a login ever waits elsewhere.
        properties.setProperty("connectTimeout", connect);
        properties.setProperty("loginTimeout", connect);
        properties.setProperty("socketTimeout", Long.toString(settings.socketTimeout().toSeconds()));
        properties.setProperty("ApplicationName", "replica-router");
    }

    Connection open(DatabaseNode node) throws SQLException {
        Properties forNode = new Properties();
        forNode.putAll(properties);
        forNode.setProperty("user", node.user());
        return DriverManager.getConnection(node.jdbcUrl(), forNode);
    }
}
