package dev.dbkata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;

/** The shop's product table, which most tests write through the router and read back. */
final class Catalogue {

    private static final String READ_ONLY_SQL_TRANSACTION = "25006";

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

    /**
     * Tries to insert a product through {@code router.read} and checks that the server refused it
     * as a write in a read-only transaction (SQLSTATE 25006), reported to the caller, and that the
     * primary has no such row.
     */
    static void assertReadRefusesWrites(ReplicaRouter router, PostgresNode primary) {
        assertThat(catchThrowable(() -> router.read(c -> {
            insert(c, 7, "smuggled");
            return null;
        }))).as("a write inside read() must be refused, because a read is a read-only transaction, and the"
                + " error must reach the caller").isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                        .as("a write in a read must fail as read_only_sql_transaction (25006), but failed with: %s",
                                e.getMessage())
                        .isEqualTo(READ_ONLY_SQL_TRANSACTION));
        assertThat(count(primary)).as("rows the primary took through read()").isZero();
    }
}
