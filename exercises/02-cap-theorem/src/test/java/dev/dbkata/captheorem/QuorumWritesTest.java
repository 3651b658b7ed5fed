package dev.dbkata.captheorem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.dbkata.testkit.Level;
import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.SyncMethod;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Task quorum-writes: sell a seat only when a quorum holds the sale (synchronous_standby_names =
 * 'ANY 1 (replica1, replica2)'), and report what the seller can defend when it cannot know.
 *
 * Outcomes pinned: the seller cancels its own wait and COMMIT returns with the warning that the
 * transaction committed locally -> UNCONFIRMED; a statement cancelled before COMMIT (57014) ->
 * FAILED; the connection lost after COMMIT was sent -> UNKNOWN (the server goes on waiting, the
 * seat stays locked, and it commits once a standby is back).
 *
 * Rejects:
 * - a sale reported FAILED after its wait for the standbys was cancelled (it committed), or undone
 *   by a compensating delete;
 * - a seller that never gives up waiting for the quorum (conn.commit() without a bound, or relying
 *   on statement_timeout, which cannot end that wait);
 * - a seller that commits with synchronous_commit = local (fast, and nothing is confirmed);
 * - every 57014 read as UNCONFIRMED, or every error as UNKNOWN;
 * - a lost connection after COMMIT reported as FAILED, or "resolved" by trying the sale again (the
 *   first COMMIT still holds the seat's lock and may yet commit: look it up later by its id);
 * - selling one seat twice across a partition and heal (check the seat, then overwrite it).
 */
@Task(id = "quorum-writes", title = "Sell only with a quorum, and report honestly", level = Level.INTERMEDIATE, points = 4)
@WithPostgresCluster(replicas = 2, synchronousStandbys = 1, syncMethod = SyncMethod.ANY, reset = Reset.BEFORE_EACH_TEST)
@ExtendWith(TestThreads.Extension.class)
class QuorumWritesTest {

    private static final SellerSettings ONE_SECOND = SellerSettings.defaults().withQuorumWait(Duration.ofSeconds(1));
    /** A sale returns within its quorumWait (plus the connection's); more than this is a hang. */
    private static final Duration BOUND = Duration.ofSeconds(8);

    @BeforeEach
    void createSchema(PostgresCluster cluster) {
        cluster.primary().runScript("/concerts.sql");
        cluster.awaitReplicasCaughtUp();
    }

    @Test
    @DisplayName("with one replica cut off, the quorum (ANY 1) still holds: sales are SOLD and on the other replica")
    void salesGoOnWithOneReplica(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode cutOff = cluster.replica(1);
        PostgresNode streaming = cluster.replica(2);
        cluster.partition(cutOff);
        TicketSeller seller = new TicketSeller(cluster.primary().jdbcUrl(), ONE_SECOND);

        List<Sale> sales = new ArrayList<>();
        for (String seat : List.of("A1", "A2", "A3")) {
            sales.add(sell(threads, seller, seat, "buyer-" + seat));
        }

        for (Sale sale : sales) {
            assertThat(sale.outcome()).as("replica2 confirms every commit, so %s is SOLD", sale).isEqualTo(SaleOutcome.SOLD);
            assertThat(holds(cluster.primary(), sale)).as("the primary holds %s", sale).isTrue();
            Waits.until("replica2 to show " + sale, Duration.ofSeconds(5), () -> holds(streaming, sale));
            assertThat(holds(cutOff, sale)).as("replica1 is cut off and cannot hold %s yet", sale).isFalse();
        }
        cluster.heal();
        assertOnEveryNode(cluster, sales);
    }

    @Test
    @DisplayName("with both replicas cut off, a sale's cancelled wait returns UNCONFIRMED within its bound: committed locally, on every node after heal")
    void cancelledWaitIsUnconfirmed(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode primary = cluster.primary();
        cluster.partition(cluster.replica(1));
        cluster.partition(cluster.replica(2));
        TicketSeller seller = new TicketSeller(primary.jdbcUrl(), ONE_SECOND);

        CompletableFuture<Sale> pending = threads.supply(() -> seller.sell("A5", "alice"));
        Waits.until("the primary to show the sale's COMMIT waiting for the standbys (pg_stat_activity:"
                + " wait_event SyncRep); a seller that does not wait for a quorum never gets there", Duration.ofSeconds(5),
                () -> pending.isDone() || waitingForStandbys(primary) > 0);
        Sale sale = await(pending, "with both standbys cut off, the COMMIT's wait must be cancelled by the seller"
                + " (Statement.setQueryTimeout or cancel(); statement_timeout cannot end it)");

        assertThat(waitingForStandbys(primary))
                .as("the sale returned but left its COMMIT waiting on the server: the seller must cancel its own wait"
                        + " (Statement.setQueryTimeout or cancel()); statement_timeout cannot end it, and a socket timeout"
                        + " only drops the connection while the server goes on waiting")
                .isZero();
        assertThat(sale.outcome())
                .as("the seller cancelled the wait for the standbys and COMMIT returned with the warning that the"
                        + " transaction committed locally: the seat IS taken, so the sale is UNCONFIRMED, not FAILED"
                        + " (and not SOLD: no standby has it) (%s)", sale)
                .isEqualTo(SaleOutcome.UNCONFIRMED);
        assertThat(holds(primary, sale)).as("an UNCONFIRMED sale is committed on the primary: %s", sale).isTrue();
        assertThat(holds(cluster.replica(1), sale) || holds(cluster.replica(2), sale))
                .as("no standby can have it yet").isFalse();

        cluster.heal();
        assertOnEveryNode(cluster, List.of(sale));
    }

    @Test
    @DisplayName("a statement cancelled before COMMIT (57014) is FAILED, and the sale is nowhere")
    void cancelledBeforeCommitIsFailed(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode primary = cluster.primary();
        TicketSeller seller = new TicketSeller(primary.jdbcUrl(), ONE_SECOND);
        Sale sale;
        // The test holds the seat's row lock, as a slow sale would: the seller's UPDATE waits, and is cancelled.
        try (Connection holder = DriverManager.getConnection(primary.directJdbcUrl(), "postgres", "")) {
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("SELECT * FROM seats WHERE seat = 'A7' FOR UPDATE");
            }
            CompletableFuture<Sale> pending = threads.supply(() -> seller.sell("A7", "bob"));
            Waits.until("the primary to show the sale waiting for the seat's row lock (pg_stat_activity)",
                    Duration.ofSeconds(5), () -> pending.isDone() || waitingForLocks(primary) > 0);
            sale = await(pending, "the seller's UPDATE waits for a row lock the test holds; its quorumWait must end it");
            holder.rollback();
        }

        assertThat(sale.outcome())
                .as("the UPDATE was cancelled (SQLSTATE 57014) before COMMIT was ever sent: nothing committed, the"
                        + " sale FAILED (%s)", sale)
                .isEqualTo(SaleOutcome.FAILED);
        cluster.awaitReplicasCaughtUp();
        for (PostgresNode node : cluster.nodes()) {
            assertThat(holds(node, sale)).as("a FAILED sale is on no node (%s): %s", node.name(), sale).isFalse();
            assertThat(node.queryValue("SELECT count(*) FROM seats WHERE seat = 'A7' AND buyer IS NULL", Long.class))
                    .as("seat A7 is still free on %s", node.name()).isEqualTo(1L);
        }
    }

    @Test
    @DisplayName("a connection lost after COMMIT was sent is UNKNOWN: the server goes on waiting, holds the seat, and commits after heal")
    void lostConnectionAfterCommitIsUnknown(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode primary = cluster.primary();
        cluster.partition(cluster.replica(1));
        cluster.partition(cluster.replica(2));
        TicketSeller patient = new TicketSeller(primary.jdbcUrl(), SellerSettings.defaults().withQuorumWait(Duration.ofSeconds(30)));

        CompletableFuture<Sale> pending = threads.supply(() -> patient.sell("A9", "carol"));
        Waits.until("the primary to show the sale's COMMIT waiting for the standbys (wait_event SyncRep)",
                Duration.ofSeconds(5), () -> pending.isDone() || waitingForStandbys(primary) > 0);
        assertThat(pending).as("the sale must still be waiting for a standby (both are cut off)").isNotDone();
        // The seller's connection is reset, as a network blip does; new connections still get through.
        // The server's session goes on waiting.
        primary.link().retarget(primary.link().target());
        Sale sale = await(pending, "the connection was reset: the seller hears it at once, and must not try the sale"
                + " again (the first COMMIT still holds the seat's row lock, and may yet commit)");

        assertThat(sale.outcome())
                .as("the connection was lost after COMMIT was sent: the seller cannot know whether it committed, so"
                        + " UNKNOWN (not FAILED: the server may still commit) (%s)", sale)
                .isEqualTo(SaleOutcome.UNKNOWN);
        assertThat(waitingForStandbys(primary))
                .as("the server's session still waits for a standby to confirm the COMMIT (pg_stat_activity)").isEqualTo(1L);
        assertThatThrownBy(() -> lockSeatNoWait(primary, "A9"))
                .as("the unknown sale still holds seat A9's row lock: no one else can sell it meanwhile")
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55P03"));

        cluster.heal();
        Waits.until("the waiting COMMIT to finish once the standbys are back", Duration.ofSeconds(10),
                () -> waitingForStandbys(primary) == 0);
        cluster.awaitReplicasCaughtUp();
        for (PostgresNode node : cluster.nodes()) {
            assertThat(holds(node, sale)).as("the UNKNOWN sale did commit in the end, so %s shows it", node.name()).isTrue();
        }
    }

    @Test
    @DisplayName("across a partition and its heal, no seat is sold twice and every reported sale is on every node")
    void noSeatSoldTwice(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode primary = cluster.primary();
        cluster.partition(cluster.replica(1));
        cluster.partition(cluster.replica(2));
        TicketSeller quick = new TicketSeller(primary.jdbcUrl(), ONE_SECOND);
        TicketSeller patient = new TicketSeller(primary.jdbcUrl(), SellerSettings.defaults().withQuorumWait(Duration.ofSeconds(20)));
        List<Sale> sales = new ArrayList<>();

        // alice buys seat A11; her COMMIT waits for a standby. Meanwhile bob asks for the same seat.
        CompletableFuture<Sale> alice = threads.supply(() -> patient.sell("A11", "alice"));
        Waits.until("alice's COMMIT to wait for the standbys", Duration.ofSeconds(5),
                () -> alice.isDone() || waitingForStandbys(primary) > 0);
        // frank, with a 1 s bound, waits for the seat's row lock and is cancelled before his COMMIT.
        Sale frank = await(threads.supply(() -> quick.sell("A11", "frank")), "frank's UPDATE waits for alice's row lock;"
                + " his 1 s bound must cancel it");
        CompletableFuture<Sale> bob = threads.supply(() -> patient.sell("A11", "bob"));
        Waits.until("bob's sale of the same seat to wait for its row lock (alice's commit holds it)", Duration.ofSeconds(5),
                () -> bob.isDone() || waitingForLocks(primary) > 0);
        // The test ends alice's wait itself (a cancel request, as her seller's timeout would send), so
        // the interleaving is the same on every run: bob is already waiting for the seat.
        cancelWaitsForStandbys(primary);
        sales.add(await(alice, "alice's wait for the standbys was cancelled"));
        sales.add(frank);
        Waits.until("bob's sale to end, or to wait for the standbys in its turn", Duration.ofSeconds(5),
                () -> bob.isDone() || waitingForStandbys(primary) > 0);
        cancelWaitsForStandbys(primary);
        sales.add(await(bob, "bob's sale must end once alice's commit is visible"));
        sales.add(await(threads.supply(() -> quick.sell("A12", "carol")), "carol's sale must end after 1 s"));

        cluster.heal();
        sales.add(await(threads.supply(() -> quick.sell("A11", "dave")), "the cluster is healed"));
        sales.add(await(threads.supply(() -> quick.sell("A13", "erin")), "the cluster is healed"));

        assertThat(sales.get(0).outcome()).as("alice's cancelled wait: %s", sales.get(0)).isEqualTo(SaleOutcome.UNCONFIRMED);
        assertThat(frank.outcome()).as("frank's UPDATE was cancelled while it waited for the seat (57014, before"
                + " COMMIT): FAILED, and after the heal his sale is on no node (%s)", frank).isEqualTo(SaleOutcome.FAILED);
        assertThat(sales.get(5).outcome()).as("with the standbys back, a free seat is SOLD: %s", sales.get(5))
                .isEqualTo(SaleOutcome.SOLD);
        Map<String, List<Sale>> soldPerSeat = sales.stream().filter(Sale::isSeatTaken)
                .collect(Collectors.groupingBy(Sale::seat));
        soldPerSeat.forEach((seat, taken) -> assertThat(taken)
                .as("seat %s was promised to more than one buyer: %s. A sale must take the seat only if it is still"
                        + " free, in the same statement (WHERE buyer IS NULL), so a concurrent sale waits for the seat's"
                        + " row lock and then finds it taken", seat, taken)
                .hasSize(1));
        assertThat(sales.get(4).outcome()).as("seat A11 is alice's: dave's sale after the heal finds it TAKEN (%s)",
                sales.get(4)).isEqualTo(SaleOutcome.TAKEN);
        cluster.awaitReplicasCaughtUp();
        assertOnEveryNode(cluster, sales);
    }

    /** Every SOLD or UNCONFIRMED sale is on every node, and every FAILED or TAKEN one is on none. */
    private static void assertOnEveryNode(PostgresCluster cluster, List<Sale> sales) {
        cluster.awaitReplicasCaughtUp();
        for (Sale sale : sales) {
            for (PostgresNode node : cluster.nodes()) {
                if (sale.isSeatTaken()) {
                    assertThat(holds(node, sale)).as("%s was reported to the buyer, so after the heal %s must hold it",
                            sale, node.name()).isTrue();
                } else if (sale.outcome() == SaleOutcome.FAILED || sale.outcome() == SaleOutcome.TAKEN) {
                    assertThat(holds(node, sale)).as("%s was reported as not made, so %s must not hold it",
                            sale, node.name()).isFalse();
                }
            }
        }
    }

    private static boolean holds(PostgresNode node, Sale sale) {
        return node.queryValue("SELECT count(*) FROM seats WHERE seat = ? AND buyer = ? AND sale_id = ?::uuid",
                Long.class, sale.seat(), sale.buyer(), String.valueOf(sale.saleId())) > 0;
    }

    private static long waitingForStandbys(PostgresNode primary) {
        return primary.queryValue("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                + " AND wait_event = 'SyncRep'", Long.class);
    }

    private static void cancelWaitsForStandbys(PostgresNode primary) {
        primary.queryValue("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                + " AND wait_event = 'SyncRep'", Long.class);
    }

    private static long waitingForLocks(PostgresNode primary) {
        return primary.queryValue("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                + " AND wait_event_type = 'Lock'", Long.class);
    }

    private static void lockSeatNoWait(PostgresNode primary, String seat) throws SQLException {
        try (Connection connection = DriverManager.getConnection(primary.directJdbcUrl(), "postgres", "")) {
            connection.setAutoCommit(false);
            try (Statement lock = connection.createStatement()) {
                lock.execute("SELECT * FROM seats WHERE seat = '" + seat + "' FOR UPDATE NOWAIT");
            } finally {
                connection.rollback();
            }
        }
    }

    private static Sale sell(TestThreads threads, TicketSeller seller, String seat, String buyer) throws Exception {
        return await(threads.supply(() -> seller.sell(seat, buyer)), "the quorum (replica2) is there");
    }

    private static Sale await(CompletableFuture<Sale> pending, String why) throws Exception {
        try {
            Sale sale = pending.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(sale).as("sell() returns a Sale, never null").isNotNull();
            return sale;
        } catch (TimeoutException e) {
            pending.cancel(true);
            return fail("a sale gave no answer within " + BOUND.toSeconds() + " s (" + why + "): a seller must return"
                    + " within its quorumWait with an outcome it can defend, never wait for the partition to end");
        } catch (ExecutionException e) {
            return fail("sell() threw instead of returning an outcome: " + e.getCause(), e.getCause());
        }
    }
}
