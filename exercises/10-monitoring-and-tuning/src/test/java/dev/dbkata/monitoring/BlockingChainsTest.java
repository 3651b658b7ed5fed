package dev.dbkata.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task blocking-chains: the tree of who waits for whom, its root named with its last query and
 * age, and only the root ended when asked.
 *
 * <p>The chain is real, three levels deep: the <em>transfer</em> began first and locked account 2;
 * the <em>root</em> then updated account 1 and went idle in its transaction (a forgotten commit);
 * the transfer now waits for account 1, and the <em>payout</em> waits for account 2. The oldest
 * transaction is the transfer's, yet the root is the session that waits for nobody. A fourth session sits idle in a transaction
 * too, holding account 3, but blocks nobody. The test holds the sessions and waits, with a bound,
 * until the server shows each wait.
 *
 * <p>Rejects:
 * <ul>
 *   <li>terminating every session in the chain (or every waiting one): the transfer and the payout
 *       only waited, and ending them loses their work;</li>
 *   <li>cancelling the root instead of terminating it: an idle-in-transaction session has no query to
 *       cancel and keeps its locks;</li>
 *   <li>calling every idle-in-transaction session a blocker (the bystander blocks nobody);</li>
 *   <li>naming the oldest transaction the root, or every session that blocks someone a root;</li>
 *   <li>a flat list instead of a tree (the payout waits for the transfer, not for the root);</li>
 *   <li>a root without its last query or with the wrong age.</li>
 * </ul>
 */
@Task(id = "blocking-chains", title = "Trace blocking chains to their root", points = 3)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
class BlockingChainsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration ROOT_GONE = Duration.ofSeconds(5);
    private static final String ROOT_UPDATE = "UPDATE account SET balance = balance - 10 WHERE id = 1";

    private final ExecutorService sessions = Executors.newFixedThreadPool(2);
    private Connection root;
    private Connection bystander;
    private int rootPid;
    private int bystanderPid;
    private int transferPid;
    private int payoutPid;
    private Future<?> transfer;
    private Future<?> payout;
    /**
     * The waiters keep their sessions after their work until the test lets them go: a wrong answer
     * that ends them too then always finds them there, however fast they finish once the root is gone.
     */
    private final CountDownLatch waitersMayLeave = new CountDownLatch(1);

    @BeforeEach
    void threeLevelChain(PostgresNode node) throws Exception {
        node.execute("CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL);"
                + " INSERT INTO account SELECT g, 100 FROM generate_series(1, 3) g");
        // The transfer's transaction begins first (it locks account 2), then the root locks account 1
        // and goes idle, then the transfer asks for account 1: the oldest transaction is not the root.
        CountDownLatch transferHoldsAccount2 = new CountDownLatch(1);
        CountDownLatch rootHoldsAccount1 = new CountDownLatch(1);
        Connection transferSession = node.connect();
        transferPid = pid(transferSession);
        transfer = sessions.submit(() -> {
            try (Connection c = transferSession; Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '20s'");
                c.setAutoCommit(false);
                s.executeUpdate("UPDATE account SET balance = balance - 5 WHERE id = 2");
                transferHoldsAccount2.countDown();
                if (!rootHoldsAccount1.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the root never took its lock");
                }
                s.executeUpdate("UPDATE account SET balance = balance + 5 WHERE id = 1");
                c.commit();
                waitersMayLeave.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            return null;
        });
        assertThat(transferHoldsAccount2.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the transfer locked account 2 within %s", WAIT).isTrue();
        root = node.connect();
        rootPid = pid(root);
        openTransaction(root, ROOT_UPDATE);
        bystander = node.connect();
        bystanderPid = pid(bystander);
        openTransaction(bystander, "UPDATE account SET balance = balance + 1 WHERE id = 3");
        rootHoldsAccount1.countDown();
        awaitBlockedBy(node, transferPid, rootPid);

        Connection payoutSession = node.connect();
        payoutPid = pid(payoutSession);
        payout = sessions.submit(() -> {
            try (Connection c = payoutSession; Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '20s'");
                s.executeUpdate("UPDATE account SET balance = balance - 1 WHERE id = 2");
                waitersMayLeave.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            return null;
        });
        awaitBlockedBy(node, payoutPid, transferPid);
    }

    @AfterEach
    void endSessions() throws SQLException {
        waitersMayLeave.countDown();
        sessions.shutdownNow();
        root.close();
        bystander.close();
    }

    @Test
    @DisplayName("the tree is root → transfer → payout; the root is idle in transaction, with its last query and age")
    void buildsTheWaitTree(PostgresNode node) throws SQLException {
        double ageBefore = transactionSeconds(node, rootPid);
        List<WaitTree> trees = new BlockingChains(node.dataSource()).roots();
        double ageAfter = transactionSeconds(node, rootPid);

        assertThat(trees).as("one chain, rooted at the session that waits for nobody (pid %d); the bystander"
                + " (pid %d) is idle in transaction too but blocks nobody. Trees: %s", rootPid, bystanderPid, trees)
                .hasSize(1);
        WaitTree tree = trees.get(0);
        Session rootSession = tree.session();
        assertThat(rootSession.pid()).as("the root blocker's pid: the session that waits for nobody (pid %d), not"
                + " the one whose transaction is oldest (the transfer, pid %d, began first but waits for the root)",
                rootPid, transferPid).isEqualTo(rootPid);
        assertThat(rootSession.state()).as("the root's state: it forgot to commit").isEqualTo("idle in transaction");
        assertThat(rootSession.lastQuery()).as("the root's last query, the one that took the lock").contains(ROOT_UPDATE);
        assertThat(rootSession.transactionAge().toNanos() / 1e9)
                .as("the root's transaction age (now() - xact_start), which the server gave as %.3f s just before and"
                        + " %.3f s just after", ageBefore, ageAfter)
                .isBetween(ageBefore - 0.001, ageAfter + 0.001);
        assertThat(tree.waiters()).as("directly below the root: the transfer (pid %d) only; the payout waits for"
                + " the transfer, not for the root", transferPid)
                .extracting(w -> w.session().pid()).containsExactly(transferPid);
        WaitTree transferTree = tree.waiters().get(0);
        assertThat(transferTree.waiters()).as("below the transfer: the payout (pid %d)", payoutPid)
                .extracting(w -> w.session().pid()).containsExactly(payoutPid);
        assertThat(tree.depth()).as("levels in the chain").isEqualTo(3);
        assertThat(transferTree.session().waitEvent()).as("the transfer waits for a lock").startsWith("Lock");
    }

    @Test
    @DisplayName("ending the root lets the chain finish; nobody else is ended")
    void terminatesOnlyTheRoot(PostgresNode node) throws Exception {
        List<Integer> ended = new BlockingChains(node.dataSource()).terminateRootBlockers();
        waitersMayLeave.countDown();

        assertThat(ended).as("pids ended: the root blocker (%d) and nobody else", rootPid).containsExactly(rootPid);
        Waits.until("the root blocker (pid " + rootPid + ") to leave pg_stat_activity. pg_cancel_backend only cancels"
                + " a running query: an idle-in-transaction root runs none, so it keeps its session and its locks."
                + " End the session (pg_terminate_backend)", ROOT_GONE, () -> node.queryValue(
                        "SELECT coalesce((SELECT state FROM pg_stat_activity WHERE pid = ?::int), 'gone')", String.class,
                        rootPid), "gone"::equals);
        awaitDone(transfer, "the transfer (pid " + transferPid + ") only waited for the root; once the root is"
                + " gone it must get its lock and commit. Ending a waiting session loses its work");
        awaitDone(payout, "the payout (pid " + payoutPid + ") waited for the transfer; it must finish too, not be"
                + " ended");
        try (Statement s = bystander.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).as("the bystander, idle in transaction but blocking nobody, keeps its session").isTrue();
        } catch (SQLException e) {
            throw new AssertionError("the bystander (pid " + bystanderPid + ") blocked nobody and should not have"
                    + " been ended: " + e.getMessage(), e);
        }
        assertThat(node.queryValue("SELECT balance FROM account WHERE id = 2", Integer.class))
                .as("account 2 after the transfer (-5) and the payout (-1)").isEqualTo(94);
        assertThat(node.queryValue("SELECT balance FROM account WHERE id = 1", Integer.class))
                .as("account 1: the root's uncommitted -10 is rolled back, the transfer's +5 committed").isEqualTo(105);
    }

    /** Runs {@code sql} in a transaction left open: the session goes idle in transaction, holding its locks. */
    private static void openTransaction(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitBlockedBy(PostgresNode node, int waiter, int blocker) {
        Waits.until("pid " + waiter + " to wait for pid " + blocker, WAIT, () -> node.queryValue(
                "SELECT ?::int = ANY (pg_blocking_pids(?::int))", Boolean.class, blocker, waiter));
    }

    private static double transactionSeconds(PostgresNode node, int pid) {
        return node.queryValue("SELECT extract(epoch FROM now() - xact_start)::float8 FROM pg_stat_activity"
                + " WHERE pid = ?::int", Double.class, pid);
    }

    private static void awaitDone(Future<?> session, String lesson) throws InterruptedException {
        try {
            session.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(lesson + " (it failed: " + e.getCause().getMessage() + ")", e);
        } catch (TimeoutException e) {
            throw new AssertionError(lesson + " (it was still waiting after " + WAIT.toSeconds() + " s)", e);
        }
    }
}
