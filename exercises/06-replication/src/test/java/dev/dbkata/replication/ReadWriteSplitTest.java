package dev.dbkata.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * - replicas picked at random instead of in turn (20 reads alternate: a coin passes 1 time in 500,000);
 * - a turn counter per thread (the router is shared by many threads). A plain counter that threads
 *   race on is not reliably caught: no test can force the lost update;
 * - reads run statement by statement in autocommit instead of one transaction;
 * - reads that are not read-only transactions: a standby refuses writes whatever the client
 *   asks, so this shows only on the primary, where a router without replicas must read;
 * - writes in autocommit: a failing write leaves its first rows behind;
 * - a write that is never committed (the caller's connection closes with it rolled back);
 * - a write attempt through the read path that succeeds, or is swallowed without an error.
 */
@Task(id = "read-write-split", title = "Writes on the primary, reads on the replicas", points = 2)
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
class ReadWriteSplitTest {

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

        assertThat(catchThrowable(() -> router.write(c -> {
            Catalogue.insert(c, 1, "kettle");
            Catalogue.insert(c, 1, "kettle again");   // duplicate key: the work fails half-way
            return null;
        }))).as("the work's SQL error reaches the caller").isInstanceOf(SQLException.class);

        assertThat(Catalogue.count(cluster.primary()))
                .as("a write is one transaction: when its work fails, its first insert must be rolled back too")
                .isZero();
    }

    @Test
    @DisplayName("reads are answered by the replicas, taking turns")
    void readsTakeTheReplicasInTurn(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(RouterSettings.defaults());

        List<ServingNode> served = nodes.read(router, 20);

        assertThat(served).as("every read should reach a replica (pg_is_in_recovery() = true), but they ran on: %s",
                nodes.describe(served)).allMatch(ServingNode::isReplica);
        assertThat(IntStream.range(1, served.size()).filter(i -> served.get(i).equals(served.get(i - 1))).count())
                .as("round robin: two reads in a row should never hit the same replica, but they ran on: %s",
                        nodes.describe(served))
                .isZero();
    }

    @Test
    @DisplayName("reads from many threads at once all reach replicas, in one shared rotation")
    void concurrentReadsShareOneRotation(PostgresCluster cluster) throws Exception {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(RouterSettings.defaults());
        int threads = 6;
        // Odd on purpose: with a turn counter per thread, each thread would put 3 of its 5 reads on replica1.
        int readsEach = 5;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService readers = Executors.newFixedThreadPool(threads);
        List<ServingNode> served = new ArrayList<>();
        try {
            List<Future<List<ServingNode>>> batches = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                batches.add(readers.submit(() -> {
                    assertThat(start.await(10, TimeUnit.SECONDS)).as("the readers' start signal").isTrue();
                    return nodes.read(router, readsEach);
                }));
            }
            start.countDown();
            for (Future<List<ServingNode>> batch : batches) {
                served.addAll(batch.get(20, TimeUnit.SECONDS));
            }
        } finally {
            readers.shutdownNow();
        }

        int total = threads * readsEach;
        assertThat(served).as("every read of every thread should reach a replica, but they ran on: %s",
                nodes.describe(served)).hasSize(total).allMatch(ServingNode::isReplica);
        for (PostgresNode replica : cluster.replicas()) {
            assertThat(nodes.countOn(served, replica))
                    .as("%d threads shared one router; one turn counter for all of them, moved once per read, puts"
                            + " exactly half of the %d reads on each replica, but they ran on: %s", threads, total,
                            nodes.describe(served))
                    .isEqualTo(total / 2);
        }
    }

    @Test
    @DisplayName("a read is one transaction spanning all its statements")
    void readIsOneTransaction(PostgresCluster cluster) throws SQLException {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(RouterSettings.defaults());

        List<String> transactionStarts = router.read(c -> List.of(transactionStart(c), transactionStart(c)));

        assertThat(transactionStarts.get(1)).as("the read's second statement must run in the transaction the first one"
                + " began, so both see the same transaction_timestamp(); in autocommit each statement is a transaction"
                + " of its own, with a snapshot of its own").isEqualTo(transactionStarts.get(0));
    }

    @Test
    @DisplayName("with no replica to read from, a read runs on the primary in a read-only transaction")
    void withoutReplicasReadsAreReadOnlyOnThePrimary(PostgresCluster cluster) throws SQLException {
        ReplicaRouter router = new ReplicaRouter(ClusterUnderTest.node(cluster.primary()), List.of(),
                RouterSettings.defaults());

        ServingNode servedBy = router.read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('transaction_read_only')")) {
                rs.next();
                assertThat(rs.getString(1)).as("transaction_read_only of a read on the primary: a standby refuses"
                        + " writes on its own, the primary only when the transaction is read-only").isEqualTo("on");
            }
            return ServingNode.of(c);
        });

        assertThat(servedBy.port()).as("a router without replicas must read on the primary, but the read ran on the %s",
                servedBy).isEqualTo(cluster.primary().port());
        Catalogue.assertReadRefusesWrites(router, cluster.primary());
    }

    @Test
    @DisplayName("a write through the read path fails with SQLSTATE 25006 and changes nothing")
    void writeThroughTheReadPathFails(PostgresCluster cluster) {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(RouterSettings.defaults());

        Catalogue.assertReadRefusesWrites(router, cluster.primary());
    }

    /** When the session's current transaction began, to the microsecond, as the server says. */
    private static String transactionStart(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_char(transaction_timestamp(), 'HH24:MI:SS.US')")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
