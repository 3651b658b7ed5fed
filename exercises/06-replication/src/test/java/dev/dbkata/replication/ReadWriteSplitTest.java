package dev.dbkata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.ServingNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task read-write-split: writes on the primary, reads on the replicas in turn, each read one
 * read-only transaction.
 *
 * Rejects:
 * - a write routed to a replica (or to "any node that answers");
 * - reads pinned to the primary, or to one replica;
 * - replicas picked at random instead of in turn;
 * - reads run statement by statement in autocommit instead of one transaction;
 * - writes in autocommit: a failing write leaves its first rows behind;
 * - a write that is never committed (the caller's connection closes with it rolled back);
 * - a write attempt through the read path that succeeds, or is swallowed without an error.
 */
@Task(id = "read-write-split", title = "Writes on the primary, reads on the replicas", points = 2)
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
class ReadWriteSplitTest {

    private static final String READ_ONLY_SQL_TRANSACTION = "25006";

    @BeforeEach
    void createCatalogue(PostgresCluster cluster) {
        Catalogue.create(cluster);
    }

    @Test
    @DisplayName("a write runs on the primary and is committed when the work returns")
    void writesRunOnThePrimaryAndCommit(PostgresCluster cluster) throws SQLException {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(RouterSettings.defaults());

        ServingNode servedBy = router.write(c -> {
            Catalogue.insert(c, 1, "kettle");
            return ServingNode.of(c);
        });

        assertThat(servedBy.isPrimary())
                .as("a write must run on the primary (pg_is_in_recovery() = false), but it ran on the %s", servedBy)
                .isTrue();
        assertThat(servedBy.port()).as("the write's server port").isEqualTo(cluster.primary().port());
        assertThat(Catalogue.count(cluster.primary()))
                .as("a new session on the primary must see the written row: the router commits the write")
                .isEqualTo(1);
    }

    @Test
    @DisplayName("a write whose work throws is rolled back as a whole")
    void failingWriteIsRolledBack(PostgresCluster cluster) {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(RouterSettings.defaults());

        assertThatThrownBy(() -> router.write(c -> {
            Catalogue.insert(c, 1, "kettle");
            Catalogue.insert(c, 1, "kettle again");   // duplicate key: the work fails half-way
            return null;
        })).as("the work's SQL error reaches the caller").isInstanceOf(SQLException.class);

        assertThat(Catalogue.count(cluster.primary()))
                .as("a write is one transaction: when its work fails, its first insert must be rolled back too")
                .isZero();
    }

    @Test
    @DisplayName("reads are answered by the replicas, taking turns")
    void readsTakeTheReplicasInTurn(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(RouterSettings.defaults());

        List<ServingNode> served = nodes.read(router, 10);

        assertThat(served).as("every read should reach a replica (pg_is_in_recovery() = true), but they ran on: %s",
                nodes.describe(served)).allMatch(ServingNode::isReplica);
        assertThat(IntStream.range(1, served.size()).filter(i -> served.get(i).equals(served.get(i - 1))).count())
                .as("round robin: two reads in a row should never hit the same replica, but they ran on: %s",
                        nodes.describe(served))
                .isZero();
        for (PostgresNode replica : cluster.replicas()) {
            assertThat(nodes.countOn(served, replica)).as("reads on %s, of 10 (%s)", replica.name(), nodes.describe(served))
                    .isEqualTo(5);
        }
    }

    @Test
    @DisplayName("a read is one read-only transaction spanning all its statements")
    void readIsOneReadOnlyTransaction(PostgresCluster cluster) throws SQLException {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(RouterSettings.defaults());

        boolean[] seen = router.read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT count(*) FROM product");
                try (ResultSet rs = s.executeQuery("SELECT current_setting('transaction_read_only') = 'on',"
                        + " statement_timestamp() > transaction_timestamp()")) {
                    rs.next();
                    return new boolean[] {rs.getBoolean(1), rs.getBoolean(2)};
                }
            }
        });

        assertThat(seen[0]).as("the read's transaction must be read-only (transaction_read_only = on)").isTrue();
        assertThat(seen[1]).as("the read's second statement must run in the transaction the first one began"
                + " (statement_timestamp() > transaction_timestamp()); in autocommit each statement is its own"
                + " transaction and sees a different snapshot").isTrue();
    }

    @Test
    @DisplayName("a write through the read path fails with SQLSTATE 25006 and changes nothing")
    void writeThroughTheReadPathFails(PostgresCluster cluster) {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(RouterSettings.defaults());

        assertThatThrownBy(() -> router.read(c -> {
            Catalogue.insert(c, 7, "smuggled");
            return null;
        })).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                        .as("a write in a read must fail as read_only_sql_transaction (25006), but failed with: %s",
                                e.getMessage())
                        .isEqualTo(READ_ONLY_SQL_TRANSACTION));

        assertThat(Catalogue.count(cluster.primary())).as("the primary must not have the row written through read()")
                .isZero();
    }
}
