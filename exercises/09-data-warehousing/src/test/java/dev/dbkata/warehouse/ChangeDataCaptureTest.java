package dev.dbkata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.dbkata.testkit.Lsn;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Task change-data-capture: a consumer of the logical replication slot {@code warehouse}
 * ({@code test_decoding}) keeps the warehouse's {@code customers} equal to PostgreSQL's, applying each
 * transaction in commit order, once, and confirming its position only after the change is safe in
 * DuckDB.
 *
 * <p>The tests stop the consumer at the worst moments through its {@link ApplyListener}: just before
 * a DuckDB transaction commits (as if the process died there), and just after (before the position
 * is confirmed). Then a new consumer takes over the same warehouse.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a consumer that never confirms its position: {@code confirmed_flush_lsn} stays behind and the
 *       slot holds the WAL of changes the warehouse already has;</li>
 *   <li>one that confirms a transaction before it is committed in DuckDB: a crash in between loses it;</li>
 *   <li>one that does not remember (in the same DuckDB transaction as the changes) what it applied:
 *       after a restart, PostgreSQL sends again what was applied but not yet confirmed, and it is
 *       applied twice;</li>
 *   <li>one that stores its position in a DuckDB transaction of its own after the changes commit: a
 *       crash between the two commits repeats the transaction (seen as a warehouse that still changes
 *       between {@code beforeCommit} and {@code afterCommit});</li>
 *   <li>one that applies changes as they arrive instead of per committed transaction, or mishandles
 *       deletes and key changes under {@code REPLICA IDENTITY DEFAULT} or {@code FULL}.</li>
 * </ul>
 */
@Task(id = "change-data-capture", title = "Stream changes from a logical replication slot", points = 5)
@WithPostgres(settings = {"wal_level=logical", "max_replication_slots=4", "max_wal_senders=4"},
        reset = Reset.BEFORE_EACH_TEST)
class ChangeDataCaptureTest {

    private static final String SLOT = "warehouse";
    private static final Duration CATCH_UP = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @BeforeEach
    void tableAndSlot(PostgresNode node) {
        node.execute("CREATE TABLE customers (customer_id bigint PRIMARY KEY, name text NOT NULL, country text NOT NULL,"
                + " plan_id integer)");
        node.queryValue("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'test_decoding')", String.class, SLOT);
    }

    @AfterEach
    void dropSlot(PostgresNode node) {
        // A slot left behind holds WAL forever (and the next test's reset could not drop the database).
        node.queryValue("SELECT count(pg_terminate_backend(active_pid)) FROM pg_replication_slots"
                + " WHERE slot_name = ? AND active_pid IS NOT NULL", Long.class, SLOT);
        Waits.until("slot " + SLOT + " to be released", Duration.ofSeconds(10), () -> !slotActive(node));
        node.queryValue("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = ?",
                Long.class, SLOT);
    }

    @ParameterizedTest(name = "REPLICA IDENTITY {0}")
    @ValueSource(strings = {"DEFAULT", "FULL"})
    @DisplayName("inserts, updates, deletes and a key change arrive in commit order and leave the same customers")
    void changesArriveInCommitOrder(String identity, PostgresNode node) throws Exception {
        node.execute("ALTER TABLE customers REPLICA IDENTITY " + identity);
        LogSequenceNumber last;
        try (Connection early = node.connect(); Connection late = node.connect()) {
            commit(node, "INSERT INTO customers VALUES (1, 'Ann', 'DE', 1)");
            // The early transaction starts first but commits last: the warehouse sees it after the other.
            early.setAutoCommit(false);
            run(early, "INSERT INTO customers VALUES (2, 'Bob', 'FR', 2)");
            commit(node, "INSERT INTO customers VALUES (3, 'Cem', 'TR', 1); UPDATE customers SET country = 'AT' WHERE customer_id = 1");
            run(early, "UPDATE customers SET plan_id = 4 WHERE customer_id = 3");
            commitMarked(early);
            commit(node, "DELETE FROM customers WHERE customer_id = 1");
            commit(node, "INSERT INTO customers VALUES (1, 'Ann again', 'US', 3)");
            late.setAutoCommit(false);
            run(late, "UPDATE customers SET customer_id = 20, name = 'Bob O''Brien' WHERE customer_id = 2");
            last = commitMarked(late);
        }
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"));
             ChangeConsumer consumer = new ChangeConsumer(node.jdbcUrl(), node.user(), SLOT, duck, ApplyListener.NONE)) {
            consumer.start();
            consumer.catchUp(last, CATCH_UP);

            assertThat(Sql.rows(duck, "SELECT op || ' ' || customer_id FROM customer_changes ORDER BY seq"))
                    .as("the changes the warehouse applied, in order (customer_changes by seq): transaction by"
                            + " transaction in commit order, statements in their order within each")
                    .containsExactly("INSERT 1", "INSERT 3", "UPDATE 1", "INSERT 2", "UPDATE 3", "DELETE 1", "INSERT 1",
                            "UPDATE 20");
            assertThat(Sql.rows(duck, "SELECT customer_id || ' ' || name || ' ' || country || ' ' || plan_id FROM customers"
                    + " ORDER BY customer_id"))
                    .as("the warehouse's customers after the stream (PostgreSQL's on the right; with REPLICA IDENTITY %s)",
                            identity)
                    .containsExactlyElementsOf(Sql.rows(node, "SELECT customer_id || ' ' || name || ' ' || country || ' '"
                            + " || plan_id FROM customers ORDER BY customer_id"));
        }
    }

    @Test
    @DisplayName("the consumer confirms what it applied, so the slot releases that WAL")
    void confirmsItsPosition(PostgresNode node) throws Exception {
        LogSequenceNumber last = null;
        for (int i = 1; i <= 5; i++) {
            last = commit(node, "INSERT INTO customers VALUES (" + i + ", 'c" + i + "', 'DE', 1)");
        }
        LogSequenceNumber target = last;
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"));
             ChangeConsumer consumer = new ChangeConsumer(node.jdbcUrl(), node.user(), SLOT, duck, ApplyListener.NONE)) {
            consumer.start();
            consumer.catchUp(target, CATCH_UP);
            Waits.until("the slot's confirmed_flush_lsn to pass " + target.asString() + " while the consumer runs: confirm each"
                            + " applied commit (setFlushedLSN, setAppliedLSN, forceUpdateStatus), or the slot keeps all"
                            + " WAL since it was created", Duration.ofSeconds(10),
                    () -> confirmedFlush(node).compareTo(new Lsn(target.asLong())) > 0);
        }
        Waits.until("the consumer to release slot " + SLOT + " after close()", Duration.ofSeconds(10), () -> !slotActive(node));
        assertThat(node.queryValue("SELECT count(*) FROM pg_logical_slot_peek_changes(?, NULL, NULL, 'skip-empty-xacts', '1')", Long.class, SLOT))
                .as("changes the slot still holds for the warehouse after it applied all five transactions: none")
                .isZero();
    }

    @Test
    @DisplayName("a crash before DuckDB commits a transaction leaves it unconfirmed, and the next consumer applies it")
    void crashBeforeCommitLosesNothing(PostgresNode node) throws Exception {
        LogSequenceNumber[] marks = fiveInserts(node);
        AtomicInteger seen = new AtomicInteger();
        ApplyListener crashOnThird = new ApplyListener() {
            @Override
            public void beforeCommit(LogSequenceNumber commitLsn) {
                if (seen.incrementAndGet() == 3) {
                    throw new IllegalStateException("simulated crash before DuckDB committed transaction 3");
                }
            }
        };
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            try (ChangeConsumer first = new ChangeConsumer(node.jdbcUrl(), node.user(), SLOT, duck, crashOnThird)) {
                first.start();
                Throwable crash = catchThrowable(() -> first.catchUp(marks[4], CATCH_UP));
                assertThat(crash)
                        .as("what catchUp threw when the listener crashed: the listener's own exception")
                        .hasMessageContaining("simulated crash");
            }
            Waits.until("the crashed consumer to release slot " + SLOT, Duration.ofSeconds(10), () -> !slotActive(node));
            assertThat(confirmedFlush(node))
                    .as("the slot's confirmed_flush_lsn after a crash while transaction 3 was being applied: it must not"
                            + " pass transaction 3's commit (which ends after %s), or PostgreSQL never sends it again and"
                            + " it is lost. Confirm only what DuckDB has committed", marks[2].asString())
                    .isLessThanOrEqualTo(new Lsn(marks[2].asLong()));
            assertThat(Sql.rows(duck, "SELECT customer_id FROM customers ORDER BY customer_id"))
                    .as("customers in the warehouse after the crash: transactions 1 and 2 only (3 rolled back)")
                    .containsExactly("1", "2");

            try (ChangeConsumer second = new ChangeConsumer(node.jdbcUrl(), node.user(), SLOT, duck, ApplyListener.NONE)) {
                second.start();
                second.catchUp(marks[4], CATCH_UP);
            }
            assertThat(Sql.rows(duck, "SELECT op || ' ' || customer_id FROM customer_changes ORDER BY seq"))
                    .as("changes applied across the crash and the restart: each of the five once, in order")
                    .containsExactly("INSERT 1", "INSERT 2", "INSERT 3", "INSERT 4", "INSERT 5");
        }
    }

    @Test
    @DisplayName("a crash after DuckDB committed but before the position was confirmed repeats nothing after restart")
    void crashAfterCommitRepeatsNothing(PostgresNode node) throws Exception {
        LogSequenceNumber[] marks = fiveInserts(node);
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            AtomicInteger committing = new AtomicInteger();
            AtomicInteger seen = new AtomicInteger();
            AtomicReference<List<String>> insideTransaction3 = new AtomicReference<>();
            AtomicReference<List<String>> afterTransaction3 = new AtomicReference<>();
            ApplyListener crashOnThird = new ApplyListener() {
                @Override
                public void beforeCommit(LogSequenceNumber commitLsn) {
                    if (committing.incrementAndGet() == 3) {
                        // Inside the consumer's DuckDB transaction, through the connection it was given.
                        insideTransaction3.set(contents(duck));
                    }
                }

                @Override
                public void afterCommit(LogSequenceNumber commitLsn) {
                    if (seen.incrementAndGet() == 3) {
                        afterTransaction3.set(contents(duck));
                        throw new IllegalStateException("simulated crash after DuckDB committed transaction 3");
                    }
                }
            };
            try (ChangeConsumer first = new ChangeConsumer(node.jdbcUrl(), node.user(), SLOT, duck, crashOnThird)) {
                first.start();
                Throwable crash = catchThrowable(() -> first.catchUp(marks[4], CATCH_UP));
                assertThat(crash)
                        .as("what catchUp threw when the listener crashed: the listener's own exception")
                        .hasMessageContaining("simulated crash");
            }
            assertThat(afterTransaction3.get())
                    .as("the warehouse (every table) right after the DuckDB transaction of PostgreSQL transaction 3"
                            + " committed, against what that transaction held just before its commit (expected on the"
                            + " right): they must be equal. The changes and the position they bring are written in ONE"
                            + " DuckDB transaction; a position stored in a transaction of its own afterwards is lost by"
                            + " a crash between the two commits, and transaction 3 is then applied twice")
                    .isEqualTo(insideTransaction3.get());
            Waits.until("the crashed consumer to release slot " + SLOT, Duration.ofSeconds(10), () -> !slotActive(node));

            try (ChangeConsumer second = new ChangeConsumer(node.jdbcUrl(), node.user(), SLOT, duck, ApplyListener.NONE)) {
                second.start();
                second.catchUp(marks[4], CATCH_UP);
            }
            assertThat(Sql.rows(duck, "SELECT op || ' ' || customer_id FROM customer_changes ORDER BY seq"))
                    .as("changes applied across the crash and the restart: PostgreSQL sends transaction 3 again (it was"
                            + " never confirmed), and the warehouse must recognise it from the commit LSN it stored with it")
                    .containsExactly("INSERT 1", "INSERT 2", "INSERT 3", "INSERT 4", "INSERT 5");
            assertThat(Sql.rows(duck, "SELECT customer_id FROM customers ORDER BY customer_id"))
                    .as("customers in the warehouse").containsExactly("1", "2", "3", "4", "5");
        }
    }

    /** Every row of every table of the warehouse, table by table, as the given connection sees it now. */
    private static List<String> contents(Connection duck) {
        List<String> contents = new ArrayList<>();
        for (String table : Sql.rows(duck, "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name")) {
            contents.add(table + ":");
            contents.addAll(Sql.rows(duck, "SELECT * FROM \"" + table.replace("\"", "\"\"") + "\" ORDER BY ALL"));
        }
        return contents;
    }

    /** Five transactions, one insert each; returns for each a position just before its commit record. */
    private static LogSequenceNumber[] fiveInserts(PostgresNode node) throws SQLException {
        LogSequenceNumber[] marks = new LogSequenceNumber[5];
        for (int i = 1; i <= 5; i++) {
            marks[i - 1] = commit(node, "INSERT INTO customers VALUES (" + i + ", 'c" + i + "', 'DE', 1)");
        }
        return marks;
    }

    /** Runs {@code sql} in one transaction; returns the WAL insert position just before its COMMIT. */
    private static LogSequenceNumber commit(PostgresNode node, String sql) throws SQLException {
        try (Connection c = node.connect()) {
            c.setAutoCommit(false);
            run(c, sql);
            return commitMarked(c);
        }
    }

    /**
     * Commits the open transaction of {@code c}; returns the WAL insert position read just before, in
     * the same transaction: the commit record ends after it, so a consumer that applied this
     * transaction has applied past it.
     */
    private static LogSequenceNumber commitMarked(Connection c) throws SQLException {
        LogSequenceNumber mark;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            mark = LogSequenceNumber.valueOf(rs.getString(1));
        }
        c.commit();
        return mark;
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean slotActive(PostgresNode node) {
        return node.queryValue("SELECT coalesce(bool_or(active), false) FROM pg_replication_slots WHERE slot_name = ?",
                Boolean.class, SLOT);
    }

    private static Lsn confirmedFlush(PostgresNode node) {
        return Lsn.parse(node.queryValue("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?",
                String.class, SLOT));
    }

}
