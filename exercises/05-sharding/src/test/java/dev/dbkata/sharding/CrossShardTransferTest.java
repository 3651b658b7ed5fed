package dev.dbkata.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.dbkata.testkit.Level;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.PostgresShards;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithShards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/*
 * Task cross-shard-transfer: money moves between accounts on two shards with two-phase commit and
 * a coordinator log on shard0, and a new coordinator's recover() finishes whatever a dead one left.
 *
 * Accounts 1 and 3 live on shard1, accounts 2 and 4 on shard2 (a directory says so); the log is on
 * shard0. The coordinator gets plain, unpooled data sources, so a crashed shard fails fast.
 *
 * Rejects:
 * - a "two-phase" commit that commits one shard before the other has prepared: with the other
 *   shard's account row locked by the test, the first shard's change is already visible;
 * - updates committed one after another, so a failure on the second shard leaves the first changed
 *   (money created or destroyed);
 * - no real PREPARE TRANSACTION (pg_prepared_xacts is empty when the coordinator stops);
 * - a decision that is not logged before the commits, or not durably (lost with a restart of the
 *   log shard): recovery then cannot tell commit from abort;
 * - presumed commit: recovery that commits a transfer whose decision was never logged;
 * - recovery that rolls back a transfer whose decision was commit (money moves half-way);
 * - a coordinator that catches CoordinatorStopped and cleans up as it dies;
 * - recovery that touches prepared transactions that are not its own.
 */
@Task(id = "cross-shard-transfer", title = "Two-phase commit across shards, and recovery", level = Level.ADVANCED,
        points = 5)
@WithShards(count = 3, reset = Reset.BEFORE_EACH_TEST)
class CrossShardTransferTest {

    private static final AccountDirectory DIRECTORY = account -> switch ((int) account) {
        case 1, 3 -> 1;
        case 2, 4, 99 -> 2;
        default -> throw new IllegalArgumentException("no account " + account);
    };
    private static final long TOTAL = 4_000;

    private final ExecutorService caller = Executors.newSingleThreadExecutor();

    @BeforeEach
    void openAccounts(PostgresShards shards) {
        for (PostgresNode shard : shards.shards()) {
            AccountsTable.create(shard.dataSource());
        }
        shards.shard(1).execute("INSERT INTO accounts VALUES (1, 1000), (3, 1000)");
        shards.shard(2).execute("INSERT INTO accounts VALUES (2, 1000), (4, 1000)");
    }

    @AfterEach
    void stopCaller() throws InterruptedException {
        caller.shutdownNow();
        assertThat(caller.awaitTermination(20, TimeUnit.SECONDS)).as("the test's caller thread ended").isTrue();
    }

    @Test
    @DisplayName("a transfer between two shards prepares on both, then commits on both")
    void transferPreparesThenCommits(PostgresShards shards) {
        shards.shards().forEach(s -> s.statements().reset());
        String id = coordinator(shards, Checkpoints.NONE).transfer(1, 2, 300);

        assertThat(balances(shards)).as("balances after moving 300 from account 1 (shard1) to account 2 (shard2)")
                .isEqualTo(Map.of(1L, 700L, 2L, 1300L, 3L, 1000L, 4L, 1000L));
        assertThat(id).as("the transfer's id").isNotBlank();
        for (int i : new int[] {1, 2}) {
            PostgresNode shard = shards.shard(i);
            assertThat(shard.statements().callsContaining("prepare transaction"))
                    .as("PREPARE TRANSACTION on %s (%s): each participant prepares its half", shard.name(), shard.statements())
                    .isPositive();
            assertThat(shard.statements().callsContaining("commit prepared"))
                    .as("COMMIT PREPARED on %s: each participant commits its prepared half", shard.name()).isPositive();
        }
        assertNothingInDoubt(shards);
    }

    @Test
    @DisplayName("no shard commits before every shard has prepared")
    void noShardCommitsBeforeEveryShardIsPrepared(PostgresShards shards) throws Exception {
        TransferCoordinator coordinator = coordinator(shards, Checkpoints.NONE);
        // The test holds one side's row; the transfer must not have committed the other side meanwhile.
        for (long held : new long[] {2, 1}) {
            long other = held == 2 ? 1 : 2;
            PostgresNode heldShard = shards.shard(DIRECTORY.shardOf(held));
            PostgresNode otherShard = shards.shard(DIRECTORY.shardOf(other));
            long otherBefore = balance(otherShard, other);
            Future<String> transfer;
            try (Connection lock = heldShard.connect()) {
                lock.setAutoCommit(false);
                try (Statement s = lock.createStatement()) {
                    s.execute("SELECT * FROM accounts WHERE id = " + held + " FOR UPDATE");
                }
                transfer = caller.submit(() -> coordinator.transfer(1, 2, 100));
                Waits.until("the transfer to wait for account " + held + "'s row on " + heldShard.name()
                        + ", which the test holds", Duration.ofSeconds(10),
                        () -> heldShard.queryValue("SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND query ILIKE '%accounts%'", Boolean.class) || transfer.isDone());
                assertThat(balance(otherShard, other))
                        .as("account %d's balance on %s, seen from another session while %s could not yet prepare its"
                                + " half (the test holds account %d's row): nothing may commit before every shard has"
                                + " prepared", other, otherShard.name(), heldShard.name(), held)
                        .isEqualTo(otherBefore);
                lock.rollback();
            }
            transfer.get(20, TimeUnit.SECONDS);
            assertNothingInDoubt(shards);
        }
        assertThat(balances(shards)).as("balances after two transfers of 100 from account 1 to account 2")
                .isEqualTo(Map.of(1L, 800L, 2L, 1200L, 3L, 1000L, 4L, 1000L));
        assertNothingInDoubt(shards);
    }

    @Test
    @DisplayName("when one shard cannot do its half, neither half happens")
    void aShardThatCannotPrepareAbortsBoth(PostgresShards shards) {
        TransferCoordinator coordinator = coordinator(shards, Checkpoints.NONE);
        assertThat(catchThrowable(() -> coordinator.transfer(1, 99, 100)))
                .as("a transfer to account 99, which the directory puts on shard2 but which does not exist there")
                .isInstanceOf(IllegalStateException.class);
        assertThat(catchThrowable(() -> coordinator.transfer(1, 2, 5_000)))
                .as("a transfer of 5000 from account 1, which holds 1000 (balance_cents >= 0)")
                .isInstanceOf(IllegalStateException.class);
        assertThat(catchThrowable(() -> coordinator.transfer(2, 1, 5_000)))
                .as("a transfer of 5000 from account 2, which holds 1000").isInstanceOf(IllegalStateException.class);
        assertThat(balances(shards)).as("balances after three refused transfers: the half that could be done must have"
                + " been rolled back, not committed").isEqualTo(Map.of(1L, 1000L, 2L, 1000L, 3L, 1000L, 4L, 1000L));
        assertThat(catchThrowable(() -> coordinator.transfer(1, 2, 0))).as("a transfer of 0").isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> coordinator.transfer(1, 1, 10))).as("a transfer to the same account")
                .isInstanceOf(IllegalArgumentException.class);
        assertNothingInDoubt(shards);
    }

    @Test
    @DisplayName("coordinator stopped after both prepared, before a decision: recovery rolls back (presumed abort)")
    void stoppedBeforeTheDecisionRollsBack(PostgresShards shards) {
        String[] seen = new String[1];
        Throwable stopped = catchThrowable(() -> coordinator(shards, stopAt(Checkpoint.EVERY_SHARD_PREPARED, seen)).transfer(1, 2, 300));
        assertThat(stopped).as("transfer() when its process dies after preparing: CoordinatorStopped passes through")
                .isInstanceOf(CoordinatorStopped.class);
        assertPreparedOnBothParticipants(shards, seen[0]);
        assertThat(balances(shards)).as("balances while the transfer is prepared but undecided: nothing is visible yet")
                .isEqualTo(Map.of(1L, 1000L, 2L, 1000L, 3L, 1000L, 4L, 1000L));
        assertThat(catchThrowable(() -> shards.shard(1).execute("SET lock_timeout = '200ms';"
                + " UPDATE accounts SET balance_cents = balance_cents WHERE id = 1")))
                .as("an update of account 1 while the transfer is prepared: the prepared transaction keeps its row lock"
                        + " until someone decides (this is 2PC's blocking problem)")
                .hasMessageContaining("lock timeout");

        Recovery recovery = coordinator(shards, Checkpoints.NONE).recover();

        assertThat(recovery.rolledBack()).as("transfers recover() rolled back: no decision was logged, so abort")
                .containsExactly(seen[0]);
        assertThat(recovery.committed()).as("transfers recover() committed").isEmpty();
        assertThat(balances(shards)).as("balances after recovery of an undecided transfer")
                .isEqualTo(Map.of(1L, 1000L, 2L, 1000L, 3L, 1000L, 4L, 1000L));
        assertNothingInDoubt(shards);
    }

    @Test
    @DisplayName("coordinator stopped after logging commit: the log survives a restart, and recovery commits both")
    void stoppedAfterTheDecisionCommits(PostgresShards shards) {
        String[] seen = new String[1];
        Throwable stopped = catchThrowable(() -> coordinator(shards, stopAt(Checkpoint.DECISION_LOGGED, seen)).transfer(1, 2, 300));
        assertThat(stopped).as("transfer() when its process dies after logging the decision").isInstanceOf(CoordinatorStopped.class);
        assertPreparedOnBothParticipants(shards, seen[0]);
        shards.shard(0).crash();
        shards.shard(0).restart();

        Recovery recovery = coordinator(shards, Checkpoints.NONE).recover();

        assertThat(recovery.committed()).as("transfers recover() committed: the log on shard0 (crashed and restarted"
                + " since) says commit, so both halves must commit; rolling back now would break the promise").containsExactly(seen[0]);
        assertThat(recovery.rolledBack()).as("transfers recover() rolled back").isEmpty();
        assertThat(balances(shards)).as("balances after recovery of a transfer decided commit")
                .isEqualTo(Map.of(1L, 700L, 2L, 1300L, 3L, 1000L, 4L, 1000L));
        assertNothingInDoubt(shards);
    }

    @Test
    @DisplayName("coordinator stopped after the first commit: recovery commits the other half")
    void stoppedHalfWayThroughTheCommitsFinishes(PostgresShards shards) {
        String[] seen = new String[1];
        Throwable stopped = catchThrowable(() -> coordinator(shards, stopAt(Checkpoint.FIRST_SHARD_COMMITTED, seen)).transfer(3, 4, 250));
        assertThat(stopped).as("transfer() when its process dies after one COMMIT PREPARED").isInstanceOf(CoordinatorStopped.class);
        assertThat(prepared(shards.shard(1)).size() + prepared(shards.shard(2)).size())
                .as("prepared transactions left on shard1 and shard2 after one of them committed").isEqualTo(1);

        Recovery recovery = coordinator(shards, Checkpoints.NONE).recover();

        assertThat(recovery.committed()).as("transfers recover() committed").containsExactly(seen[0]);
        assertThat(balances(shards)).as("balances after recovery")
                .isEqualTo(Map.of(1L, 1000L, 2L, 1000L, 3L, 750L, 4L, 1250L));
        assertNothingInDoubt(shards);
    }

    @Test
    @DisplayName("a shard that crashes between prepare and commit keeps its half prepared; recovery commits it")
    void aShardCrashedBetweenPrepareAndCommitIsFinishedByRecovery(PostgresShards shards) throws SQLException {
        String[] seen = new String[1];
        Checkpoints crashShard2 = (where, id) -> {
            if (where == Checkpoint.DECISION_LOGGED) {
                seen[0] = id;
                shards.shard(2).crash();
            }
        };
        String id = coordinator(shards, crashShard2).transfer(1, 2, 300);
        assertThat(id).as("transfer() returns its id once the decision is commit, even if a shard is down for the"
                + " second phase").isEqualTo(seen[0]);
        shards.shard(2).restart();
        assertThat(prepared(shards.shard(2))).as("prepared transactions on shard2 after its crash and restart: a"
                + " prepared transaction survives a crash").anyMatch(gid -> gid.contains(id));
        // Someone else's prepared transaction on shard1: recovery must leave it alone.
        try (Connection other = shards.shard(1).connect(); Statement s = other.createStatement()) {
            s.execute("BEGIN");
            s.execute("UPDATE accounts SET balance_cents = balance_cents + 0 WHERE id = 3");
            s.execute("PREPARE TRANSACTION 'another-app-7'");
        }

        Recovery recovery = coordinator(shards, Checkpoints.NONE).recover();

        assertThat(recovery.committed()).as("transfers recover() committed").containsExactly(id);
        assertThat(prepared(shards.shard(1))).as("prepared transactions on shard1 after recovery: another application's"
                + " is not the coordinator's to decide").containsExactly("another-app-7");
        shards.shard(1).execute("ROLLBACK PREPARED 'another-app-7'");
        assertThat(balances(shards)).as("balances after the crash, restart and recovery")
                .isEqualTo(Map.of(1L, 700L, 2L, 1300L, 3L, 1000L, 4L, 1000L));
        assertNothingInDoubt(shards);
    }

    private static Checkpoints stopAt(Checkpoint stop, String[] seen) {
        return (where, id) -> {
            if (where == stop) {
                seen[0] = id;
                throw new CoordinatorStopped("at " + where + " (test)");
            }
        };
    }

    private static TransferCoordinator coordinator(PostgresShards shards, Checkpoints checkpoints) {
        List<DataSource> plain = new ArrayList<>();
        for (PostgresNode shard : shards.shards()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(shard.jdbcUrl());
            ds.setUser(shard.user());
            ds.setConnectTimeout(2);
            ds.setSocketTimeout(20);
            plain.add(ds);
        }
        return new TransferCoordinator(plain, DIRECTORY, 0, checkpoints);
    }

    private static void assertPreparedOnBothParticipants(PostgresShards shards, String id) {
        assertThat(id).as("the transfer id the checkpoint received").isNotNull();
        for (int i : new int[] {1, 2}) {
            assertThat(prepared(shards.shard(i))).as("prepared transactions on shard%d (pg_prepared_xacts) when the"
                    + " coordinator stopped: its half must be prepared, with a gid that contains the transfer id %s", i, id)
                    .hasSize(1).allMatch(gid -> gid.contains(id));
        }
    }

    private static void assertNothingInDoubt(PostgresShards shards) {
        long total = balances(shards).values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).as("the total of all balances: money is neither created nor destroyed").isEqualTo(TOTAL);
        for (PostgresNode shard : shards.shards()) {
            assertThat(prepared(shard)).as("prepared transactions left on %s: every transaction is decided", shard.name()).isEmpty();
        }
    }

    private static List<String> prepared(PostgresNode shard) {
        List<String> gids = new ArrayList<>();
        try (Connection c = shard.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts ORDER BY gid")) {
            while (rs.next()) {
                gids.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read pg_prepared_xacts on " + shard + ": " + e.getMessage(), e);
        }
        return gids;
    }

    private static long balance(PostgresNode shard, long account) {
        return shard.queryValue("SELECT balance_cents FROM accounts WHERE id = ?", Long.class, account);
    }

    /** Every account's balance, read by the test from each shard in a session of its own. */
    private static Map<Long, Long> balances(PostgresShards shards) {
        Map<Long, Long> balances = new TreeMap<>();
        for (PostgresNode shard : shards.shards()) {
            try (Connection c = shard.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, balance_cents FROM accounts")) {
                while (rs.next()) {
                    balances.put(rs.getLong(1), rs.getLong(2));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Could not read balances on " + shard + ": " + e.getMessage(), e);
            }
        }
        return balances;
    }
}
