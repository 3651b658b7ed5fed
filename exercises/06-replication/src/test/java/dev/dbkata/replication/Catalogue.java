package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;

/** The shop's product table, which most tests write through the router and read back. */
final class Catalogue {

    private Catalogue() {
    }

    /** Creates the table on the primary and waits until both replicas have it. */
    static void create(PostgresCluster cluster) {
        cluster.primary().execute("CREATE TABLE product (id int PRIMARY KEY, name text NOT NULL)");
        cluster.awaitReplicasCaughtUp();
    }

    static void insert(Connection c, int id, String name) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO product (id, name) VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setString(2, name);
            insert.executeUpdate();
        }
    }

    /** How many products {@code node} shows, asked on a session of the test's own. */
    static long count(PostgresNode node) {
        return node.queryValue("SELECT count(*) FROM product", Long.class);
    }
}
