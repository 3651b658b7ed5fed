package dev.dbkata.fundamentals;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.Level;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task find-the-bottleneck: name what holds the server back from its own views.
 *
 * <p>Each test creates the situation for real and holds it while {@code diagnose()} looks: a hot
 * row locked by a busy session, a row locked by a session idle in its transaction, every
 * connection slot taken, a busy query without an index. Each also has a decoy that a guess from
 * timings falls for: a session that has been sleeping in a long query, blocking nobody.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a diagnosis from timings ("the longest-running query is the culprit", "a wait over a
 *       second is contention", "the statement with the most total time"): the decoys are slower
 *       and innocent, and the real blockers were blocking for milliseconds when asked;</li>
 *   <li>naming the first waiter, or any blocked session, instead of the root of the wait chain;</li>
 *   <li>calling an idle-in-transaction blocker mere lock contention (the fix is another one), or
 *       naming any idle-in-transaction session the culprit although nobody waits for it;</li>
 *   <li>the most called statement instead of the one that reads a table from end to end;</li>
 *   <li>a diagnosis that finds a bottleneck where there is none.</li>
 * </ul>
 */
@Task(id = "find-the-bottleneck", title = "Find the bottleneck from the server's views", level = Level.ADVANCED, points = 5)
@WithPostgres(settings = {"max_connections=20", "superuser_reserved_connections=3"}, reset = Reset.BEFORE_EACH_TEST)
class FindTheBottleneckTest {

    @BeforeEach
    void createTables(PostgresNode node) {
        AppRole.create(node);
        node.execute("CREATE TABLE hot_timers (id int PRIMARY KEY, ticks int NOT NULL);"
                + " INSERT INTO hot_timers SELECT g, 0 FROM generate_series(1, 10) g");
        AppRole.owns(node, "hot_timers");
    }

    @Test
    @DisplayName("lock contention on a hot row: names the busy session at the root of the wait and its query, not an idle transaction nobody waits for")
    void lockContentionOnAHotRow(PostgresNode node) throws Exception {
        try (Sessions sessions = new Sessions(node)) {
            Sessions.Session decoy = sleepingDecoy(sessions);
            // A second decoy: a transaction left open after a read of another row. It is idle in
            // transaction, but nobody waits for it; it is not what holds the updates back.
            Sessions.Session bystander = sessions.open("timesheet-web");
            bystander.connection().setAutoCommit(false);
            Sessions.run(bystander, "SELECT ticks FROM hot_timers WHERE id = 3");
            Sessions.Session holder = sessions.open("timesheet-web");
            sessions.start(holder, "WITH bumped AS (UPDATE hot_timers SET ticks = ticks + 1 WHERE id = 1 RETURNING id)"
                    + " SELECT pg_sleep(60) FROM bumped");
            sessions.awaitWaitEvent(holder, "Timeout", "the holder to lock row 1 and keep working");
            List<Sessions.Session> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Sessions.Session waiter = sessions.open("timesheet-web");
                sessions.start(waiter, "UPDATE hot_timers SET ticks = ticks + 1 WHERE id = 1");
                sessions.awaitWaitEvent(waiter, "Lock", "update " + (i + 1) + " of row 1 to wait for its lock");
                waiters.add(waiter);
            }

            Bottleneck found = new BottleneckFinder(node.dataSource()).diagnose();

            assertThat(found.kind())
                    .as("three updates of row 1 wait for its lock, held by a session that is running a statement (pid"
                            + " %d). Session %d sits idle in an open transaction too, but nobody waits for it"
                            + " (pg_blocking_pids of the waiters does not lead to it): being idle in transaction is"
                            + " a bottleneck when others queue behind it. The diagnosis was: %s",
                            holder.pid(), bystander.pid(), found)
                    .isEqualTo(Bottleneck.Kind.LOCK_CONTENTION);
            assertThat(found.pid())
                    .as("the pid at the root of the wait (pg_blocking_pids, followed until a session that waits for no"
                            + " one): the holder is %d, the waiters %s, and %d is a decoy that has been sleeping longer"
                            + " but blocks no one. The diagnosis was: %s", holder.pid(), pids(waiters), decoy.pid(), found)
                    .isEqualTo(holder.pid());
            assertThat(found.query())
                    .as("the blocker's query, as pg_stat_activity shows it")
                    .isEqualTo(queryOf(node, holder));
            assertThat(found.sessions()).as("sessions waiting behind the blocker").isEqualTo(3);
        }
    }

    @Test
    @DisplayName("a session idle in its transaction holds a row lock: names it, its pid and its last statement")
    void idleInTransactionHoldsALock(PostgresNode node) throws Exception {
        try (Sessions sessions = new Sessions(node)) {
            Sessions.Session decoy = sleepingDecoy(sessions);
            Sessions.Session forgetful = sessions.open("timesheet-web");
            forgetful.connection().setAutoCommit(false);
            Sessions.run(forgetful, "UPDATE hot_timers SET ticks = ticks + 1 WHERE id = 7");
            Sessions.Session waiter = sessions.open("timesheet-web");
            sessions.start(waiter, "UPDATE hot_timers SET ticks = 0 WHERE id = 7");
            sessions.awaitWaitEvent(waiter, "Lock", "the update of row 7 to wait for its lock");

            Bottleneck found = new BottleneckFinder(node.dataSource()).diagnose();

            assertThat(found.kind())
                    .as("an update waits for row 7, locked by a session that sits idle in an open transaction (the"
                            + " application forgot to commit); the diagnosis was: %s", found)
                    .isEqualTo(Bottleneck.Kind.IDLE_IN_TRANSACTION);
            assertThat(found.pid())
                    .as("the idle-in-transaction session is %d, the waiter %d, the sleeping decoy %d; the diagnosis"
                            + " was: %s", forgetful.pid(), waiter.pid(), decoy.pid(), found)
                    .isEqualTo(forgetful.pid());
            assertThat(found.query())
                    .as("its last statement, as pg_stat_activity shows it")
                    .isEqualTo(queryOf(node, forgetful))
                    .contains("WHERE id = 7");
            assertThat(found.sessions()).as("sessions waiting behind it").isEqualTo(1);
        }
    }

    @Test
    @DisplayName("every ordinary connection slot is taken: connection exhaustion, with the number of sessions")
    void connectionExhaustion(PostgresNode node) throws Exception {
        try (Sessions sessions = new Sessions(node)) {
            SQLException refused = null;
            for (int i = 0; i < 25 && refused == null; i++) {
                try {
                    sessions.open("timesheet-web");
                } catch (SQLException e) {
                    refused = e;
                }
            }
            assertThat((Throwable) refused).as("the app role should run out of slots (max_connections = 20)").isNotNull();
            assertThat(refused.getSQLState()).as("the refusal: %s", refused.getMessage()).isEqualTo("53300");

            Bottleneck found = new BottleneckFinder(node.dataSource()).diagnose();

            assertThat(found.kind())
                    .as("the app is refused new connections (53300, too many clients) because every slot but the"
                            + " superusers' is taken; the diagnosis was: %s", found)
                    .isEqualTo(Bottleneck.Kind.CONNECTION_EXHAUSTION);
            assertThat(found.sessions())
                    .as("client sessions connected (the superuser's own look may take one reserved slot); the"
                            + " diagnosis was: %s", found)
                    .isBetween(16, 20);
        }
    }

    @Test
    @DisplayName("a busy query scans a whole table: names the statement and the table, not the slowest or the most called")
    void missingIndexOnABusyQuery(PostgresNode node) throws Exception {
        node.execute("CREATE TABLE time_entries (id bigint PRIMARY KEY, user_id bigint NOT NULL, minutes int NOT NULL);"
                + " INSERT INTO time_entries SELECT g, g % 500, 30 FROM generate_series(1, 50000) g;"
                + " CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);"
                + " INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 1000) g;"
                + " ANALYZE time_entries; ANALYZE users");
        AppRole.owns(node, "time_entries");
        AppRole.owns(node, "users");
        node.statements().reset();
        node.execute("SELECT pg_stat_reset()");

        try (Sessions sessions = new Sessions(node)) {
            Sessions.Session web = sessions.open("timesheet-web");
            Sessions.Session report = sessions.open("timesheet-report");
            // The busy query: a week's total per user, 20 times, without an index on user_id.
            repeat(web, "SELECT coalesce(sum(minutes), 0) FROM time_entries WHERE user_id = ?", 20);
            // Decoys: the most called statement (an index lookup) and the slowest one (no table at all).
            repeat(web, "SELECT name FROM users WHERE id = ?", 300);
            for (int i = 0; i < 3; i++) {
                Sessions.run(report, "SELECT pg_sleep(0.5)");
            }
            // The sessions stay open; their table counters reach the views when they flush them.
            Sessions.run(web, "SELECT pg_stat_force_next_flush()");
            Sessions.run(report, "SELECT pg_stat_force_next_flush()");
            Waits.until("the web session's sequential scans of time_entries to reach pg_stat_user_tables",
                    Duration.ofSeconds(10), () -> node.queryValue("SELECT seq_scan FROM pg_stat_user_tables"
                            + " WHERE relname = 'time_entries'", Long.class), n -> n >= 20);

            Bottleneck found = new BottleneckFinder(node.dataSource()).diagnose();

            assertThat(found.kind())
                    .as("the week's total per user reads all 50,000 rows of time_entries 20 times (no index on"
                            + " user_id); the diagnosis was: %s", found)
                    .isEqualTo(Bottleneck.Kind.MISSING_INDEX);
            assertThat(found.table()).as("the table scanned end to end; the diagnosis was: %s", found)
                    .isEqualTo("time_entries");
            assertThat(found.query())
                    .as("the busy statement, as pg_stat_statements shows it: not the most called one (users by id, an"
                            + " index lookup) nor the slowest one (pg_sleep, which reads nothing). The diagnosis was: %s",
                            found)
                    .containsIgnoringCase("from time_entries where user_id");
        }
    }

    @Test
    @DisplayName("a long query that blocks nobody on an otherwise quiet server is no bottleneck")
    void aSlowQueryAloneIsNoBottleneck(PostgresNode node) throws Exception {
        try (Sessions sessions = new Sessions(node)) {
            Sessions.Session decoy = sleepingDecoy(sessions);
            Sessions.Session idle = sessions.open("timesheet-web");
            Sessions.run(idle, "SELECT ticks FROM hot_timers WHERE id = 3");
            Waits.until("the decoy to have been running for a second", Duration.ofSeconds(10), () -> node.queryValue(
                    "SELECT now() - query_start > interval '1 second' FROM pg_stat_activity WHERE pid = ?",
                    Boolean.class, decoy.pid()));

            Bottleneck found = new BottleneckFinder(node.dataSource()).diagnose();

            assertThat(found.kind())
                    .as("session %d has been running pg_sleep for over a second, but nobody waits for it, slots are"
                            + " free and nothing scans a table: a long query is not a bottleneck by itself. The"
                            + " diagnosis was: %s", decoy.pid(), found)
                    .isEqualTo(Bottleneck.Kind.NONE);
        }
    }

    /** A report that sleeps in a long query: slow, older than the real culprit, and blocking nobody. */
    private static Sessions.Session sleepingDecoy(Sessions sessions) throws SQLException {
        Sessions.Session decoy = sessions.open("timesheet-report");
        sessions.start(decoy, "SELECT pg_sleep(60)");
        sessions.awaitWaitEvent(decoy, "Timeout", "the decoy report to be sleeping");
        return decoy;
    }

    private static void repeat(Sessions.Session session, String sql, int times) throws SQLException {
        try (PreparedStatement s = session.connection().prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                s.setLong(1, i);
                s.executeQuery().close();
            }
        }
    }

    private static String queryOf(PostgresNode node, Sessions.Session session) {
        return node.queryValue("SELECT query FROM pg_stat_activity WHERE pid = ?", String.class, session.pid());
    }

    private static List<Integer> pids(List<Sessions.Session> sessions) {
        return sessions.stream().map(Sessions.Session::pid).toList();
    }
}
