package dev.dbkata.partitioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Task retention: months older than a cutoff leave {@code events} for {@code events_archive}:
 * detached without blocking readers, archived, counted, and only then dropped.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a plain {@code DETACH PARTITION} or a {@code DROP TABLE} of an attached partition: both
 *       want an ACCESS EXCLUSIVE lock on {@code events}, and once queued behind a long reader
 *       they block every new reader of recent months (also when retried under a short
 *       {@code lock_timeout}: the test looks at the lock the job waits for);</li>
 *   <li>a job that runs inside one transaction ({@code DETACH ... CONCURRENTLY} refuses to);</li>
 *   <li>deleting (or dropping) before archiving: when archiving fails, rows are gone;</li>
 *   <li>archiving through {@code events} after the detach (it no longer sees the month), or
 *       archiving a month twice after a failed run: the archive must hold each removed row once;</li>
 *   <li>{@code DELETE FROM events WHERE occurred_at < cutoff}: the old partitions stay;</li>
 *   <li>a job that touches months at or after the cutoff.</li>
 * </ul>
 */
@Task(id = "retention", title = "Retention: detach, archive, drop", points = 4)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@ExtendWith(TestThreads.Extension.class)
class RetentionTest {

    private static final YearMonth MARCH = YearMonth.of(2026, 3);
    private static final String RECENT = "SELECT count(*) FROM events WHERE occurred_at >= timestamptz '2026-05-01 00:00:00+00'";

    @BeforeEach
    void sixMonthsOfEvents(PostgresNode node) {
        node.runScript("/partitioning/events-by-month.sql");
    }

    @Test
    @DisplayName("months before the cutoff are archived row for row, then dropped; later months stay")
    void oldMonthsAreArchivedThenDropped(PostgresNode node) {
        List<String> removedRows = rowsBefore(node, "events", "2026-03-01");

        RetentionReport report = new RetentionJob(node.dataSource()).dropMonthsBefore(MARCH);

        assertThat(report.droppedPartitions()).as("partitions dropped by dropMonthsBefore(2026-03), oldest first")
                .containsExactly("events_2026_01", "events_2026_02");
        assertThat(report.archivedRows()).as("archivedRows should count the rows of the dropped months")
                .isEqualTo(removedRows.size());
        assertThat(rowsBefore(node, "events_archive", "2099-01-01"))
                .as("events_archive should hold every removed row exactly once, unchanged")
                .containsExactlyElementsOf(removedRows);
        assertThat(Catalog.tableExists(node, "events_2026_01") || Catalog.tableExists(node, "events_2026_02"))
                .as("the January and February tables should be gone, not just detached").isFalse();
        assertThat(Catalog.partitionsOf(node, "events")).as("partitions left attached to events")
                .containsExactly("events_2026_03", "events_2026_04", "events_2026_05", "events_2026_06");
        assertThat(Catalog.count(node, "events")).as("rows left in events").isEqualTo(869 - removedRows.size());
        assertThat(new RetentionJob(node.dataSource()).dropMonthsBefore(MARCH))
                .as("a second run with the same cutoff has nothing left to do")
                .isEqualTo(new RetentionReport(List.of(), 0));
    }

    @Test
    @DisplayName("a new reader of recent months is not blocked while the job waits for an old reader")
    void readersOfRecentMonthsAreNeverBlocked(PostgresNode node, TestThreads threads) throws Exception {
        try (Connection longReader = node.connect()) {
            // A report that started before the job and is still running: it holds a lock on events.
            longReader.setAutoCommit(false);
            long recentBefore = count(longReader, RECENT);

            CompletableFuture<RetentionReport> job = threads.supply(
                    () -> new RetentionJob(node.dataSource()).dropMonthsBefore(MARCH));
            String awaited = Waits.until("the retention job to wait for the long reader (or finish)", Duration.ofSeconds(10),
                    () -> job.isDone() ? "nothing: it finished" : locksAwaited(node), seen -> !seen.isEmpty());
            // Checked while the job waits, not only through a reader's lock_timeout: a job that asks
            // for ACCESS EXCLUSIVE under a short lock_timeout of its own, and retries, would let the
            // new reader below through between two attempts.
            assertThat(awaited)
                    .as("what the retention job waited for while an old report was still reading events. A lock on"
                            + " events or a recent month that conflicts with readers or writers (SHARE and stronger)"
                            + " makes every later query queue behind it; DETACH ... CONCURRENTLY waits for old"
                            + " transactions without taking one")
                    .doesNotContainPattern("\\bevents(_2026_0[3-6])? (Share|ShareRowExclusive|Exclusive|AccessExclusive)Lock");

            try (Connection newReader = node.connect(); Statement s = newReader.createStatement()) {
                s.execute("SET lock_timeout = '2s'");
                long recentNow;
                try {
                    recentNow = count(newReader, RECENT);
                } catch (SQLException e) {
                    throw new AssertionError("a new reader of May and June waited for the retention job and gave up ("
                            + e.getMessage().strip() + "): the job asks for a lock that readers queue behind. "
                            + "Locks held by the job: " + lockSummary(node), e);
                }
                assertThat(recentNow).as("rows of May and June seen by a reader during the job").isEqualTo(recentBefore);
            }
            longReader.commit();
            RetentionReport report = job.get(20, TimeUnit.SECONDS);
            assertThat(report.droppedPartitions()).as("partitions dropped once the long reader finished")
                    .containsExactly("events_2026_01", "events_2026_02");
        }
    }

    @Test
    @DisplayName("when archiving fails, nothing is dropped or lost, and the next run finishes the job")
    void archivingComesBeforeDropping(PostgresNode node) {
        List<String> removedRows = rowsBefore(node, "events", "2026-03-01");
        List<String> februaryRows = rowsBefore(node, "events", "2026-03-01").stream()
                .filter(row -> row.contains("2026-02-")).toList();
        node.execute("CREATE FUNCTION refuse_february() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.occurred_at >= timestamptz '2026-02-01 00:00:00+00' THEN"
                + "   RAISE EXCEPTION 'archive storage is full'; END IF; RETURN NEW; END $$;"
                + " CREATE TRIGGER archive_full BEFORE INSERT ON events_archive"
                + " FOR EACH ROW EXECUTE FUNCTION refuse_february()");

        Throwable failure = catchThrowable(() -> new RetentionJob(node.dataSource()).dropMonthsBefore(MARCH));
        assertThat(failure)
                .as("dropMonthsBefore must report that archiving February failed (the archive refused with 'archive"
                        + " storage is full'), itself or as a cause, not swallow it; what it threw: %s", failure)
                .isNotNull().hasStackTraceContaining("archive storage is full");

        assertThat(Catalog.tableExists(node, "events_2026_02"))
                .as("February could not be archived, so its table must still exist (attached or detached)").isTrue();
        assertThat(rowsBefore(node, "events_2026_02", "2026-03-01"))
                .as("February could not be archived, so every February row must still be in events_2026_02")
                .containsExactlyElementsOf(februaryRows);

        node.execute("DROP TRIGGER archive_full ON events_archive");
        RetentionReport rerun = new RetentionJob(node.dataSource()).dropMonthsBefore(MARCH);

        assertThat(rerun.droppedPartitions()).as("the rerun finishes what the failed run left").contains("events_2026_02");
        assertThat(rowsBefore(node, "events_archive", "2099-01-01"))
                .as("after the failure and the rerun, the archive holds January and February once each")
                .containsExactlyElementsOf(removedRows);
        assertThat(Catalog.tableExists(node, "events_2026_01") || Catalog.tableExists(node, "events_2026_02"))
                .as("after the rerun, the January and February tables should be gone").isFalse();
    }

    /** The rows of {@code table} before {@code day}, as text, in id order. */
    private static List<String> rowsBefore(PostgresNode node, String table, String day) {
        return Catalog.strings(node, "SELECT t::text FROM " + table + " t"
                + " WHERE occurred_at < (? || ' 00:00:00+00')::timestamptz ORDER BY id", day);
    }

    /** The locks other sessions wait for, as "table mode" (or "locktype mode"); empty when none waits. */
    private static String locksAwaited(PostgresNode node) {
        return node.queryValue("SELECT coalesce(string_agg(CASE WHEN locktype = 'relation' THEN relation::regclass::text"
                + " ELSE locktype END || ' ' || mode, ', '), '') FROM pg_locks WHERE NOT granted"
                + " AND pid <> pg_backend_pid()", String.class);
    }

    private static String lockSummary(PostgresNode node) {
        return String.join("; ", Catalog.strings(node, "SELECT l.relation::regclass || ' ' || l.mode"
                + " || CASE WHEN l.granted THEN '' ELSE ' (waiting)' END FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                + " WHERE l.locktype = 'relation' AND a.query ILIKE '%events%' AND a.pid <> pg_backend_pid()"
                + " AND l.relation::regclass::text LIKE 'events%'"));
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
