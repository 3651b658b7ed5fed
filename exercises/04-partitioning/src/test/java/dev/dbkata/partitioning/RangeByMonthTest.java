package dev.dbkata.partitioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.Plan;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Task range-by-month: {@code events} is range-partitioned by UTC calendar month, with a default
 * partition, and {@code ensurePartitions} keeps months ready ahead of time.
 *
 * <p>Rejects:
 * <ul>
 *   <li>an upper bound off by one: a month that ends at {@code 23:59:59} (or starts a second late)
 *       instead of at the next month's first instant, which PostgreSQL already treats as exclusive;</li>
 *   <li>bounds written without an offset, which the session's time zone shifts (the code under
 *       test gets sessions in UTC+14), or with the offset of the JVM's default zone (the code under
 *       test runs with the JVM in UTC+05:45);</li>
 *   <li>no default partition, so a row outside every month fails to insert;</li>
 *   <li>an {@code ensurePartitions} that fails, or creates a duplicate, when run twice or over
 *       months that partly exist;</li>
 *   <li>one that fails when the default already holds rows of the new month, or "fixes" that by
 *       deleting them;</li>
 *   <li>one that moves those rows in several transactions (copy them aside, delete them, create
 *       the month, put them back; or detach the default for a while): in between, other sessions
 *       find them missing;</li>
 *   <li>one that lets the application insert while it moves them: a row of the new month that
 *       reaches the default in the meantime makes the attach fail;</li>
 *   <li>a partition key or layout that makes a one-month query read more than its month;</li>
 *   <li>"does the month exist?" asked before taking the lock that serialises creation: two
 *       processes creating the same month both see it missing, and the second one's CREATE fails
 *       once the first commits (the test holds the first in the middle of its creation and starts
 *       the second meanwhile).</li>
 * </ul>
 */
@Task(id = "range-by-month", title = "Range partitions by month", points = 3)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@ExtendWith(TestThreads.Extension.class)
class RangeByMonthTest {

    private static final YearMonth JANUARY = YearMonth.of(2026, 1);
    private static final YearMonth FEBRUARY = YearMonth.of(2026, 2);
    private static final YearMonth MARCH = YearMonth.of(2026, 3);
    private static final YearMonth APRIL = YearMonth.of(2026, 4);
    private static final YearMonth MAY = YearMonth.of(2026, 5);
    /** UTC+05:45 all year: a month bound in this zone starts 5 hours 45 minutes before the UTC month. */
    private static final String JVM_ZONE = "Asia/Kathmandu";

    @Test
    @DisplayName("each row lands in its UTC month; the first instant of a month belongs to that month, the last microsecond to the one before")
    void rowsLandInTheirUtcMonth(PostgresNode node) {
        // Neither the sessions nor the JVM of the code under test run in UTC, so bounds that borrow
        // either zone shift; only bounds written as UTC instants put every row where it belongs.
        inJvmZone(JVM_ZONE, () -> withMonths(new MonthlyEventTable(SessionTimeZone.farFromUtc(node.dataSource())),
                JANUARY, MARCH));

        Map<Long, String> expected = new LinkedHashMap<>();
        expected.put(1L, insertAt(node, 1, "2025-12-31T23:59:59.999999Z", MonthlyEventTable.DEFAULT_PARTITION));
        expected.put(2L, insertAt(node, 2, "2026-01-01T00:00:00Z", "events_2026_01"));
        expected.put(3L, insertAt(node, 3, "2026-01-31T23:59:59.999999Z", "events_2026_01"));
        expected.put(4L, insertAt(node, 4, "2026-01-31T12:00:00Z", "events_2026_01"));
        expected.put(5L, insertAt(node, 5, "2026-02-01T00:00:00Z", "events_2026_02"));
        expected.put(6L, insertAt(node, 6, "2026-02-28T23:59:59.999999Z", "events_2026_02"));
        expected.put(7L, insertAt(node, 7, "2026-03-01T00:00:00Z", "events_2026_03"));
        expected.put(8L, insertAt(node, 8, "2026-03-31T23:59:59.999999Z", "events_2026_03"));
        expected.put(9L, insertAt(node, 9, "2026-04-01T00:00:00Z", MonthlyEventTable.DEFAULT_PARTITION));

        assertThat(node.queryValue("SELECT p.partstrat::text FROM pg_partitioned_table p"
                + " WHERE p.partrelid = 'events'::regclass", String.class))
                .as("events should be a partitioned table using RANGE ('r') partitioning")
                .isEqualTo("r");
        assertThat(Catalog.homeOfEachRow(node, "events"))
                .as("the partition that holds each row (id -> partition, from tableoid); a month runs from its first"
                        + " instant in UTC up to, not including, the next month's first instant")
                .containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    @DisplayName("ensurePartitions is idempotent and creates only the months that are missing")
    void ensurePartitionsIsIdempotent(PostgresNode node) {
        MonthlyEventTable events = withMonths(new MonthlyEventTable(node.dataSource()), JANUARY, MARCH);
        events.ensurePartitions(JANUARY, MARCH);
        events.ensurePartitions(FEBRUARY, MAY);

        assertThat(Catalog.partitionsOf(node, "events"))
                .as("partitions of events after ensurePartitions(Jan..Mar) twice, then (Feb..May)")
                .containsExactly("events_2026_01", "events_2026_02", "events_2026_03", "events_2026_04",
                        "events_2026_05", MonthlyEventTable.DEFAULT_PARTITION);
        assertThat(MonthlyEventTable.partitionName(APRIL)).isEqualTo("events_2026_04");
        assertThatThrownBy(() -> events.ensurePartitions(MAY, FEBRUARY))
                .as("ensurePartitions(2026-05, 2026-02): a range that ends before it starts is a caller's mistake")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a query for one month reads exactly that month's partition (plan-time pruning)")
    void oneMonthQueryScansOnePartition(PostgresNode node) {
        withMonths(new MonthlyEventTable(node.dataSource()), JANUARY, APRIL);
        node.execute("INSERT INTO events (id, occurred_at, region, customer_id)"
                + " SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour', 'eu', g % 50"
                + " FROM generate_series(0, 2800) g");

        Plan plan = node.explain("SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                utc("2026-02-01T00:00:00Z"), utc("2026-03-01T00:00:00Z"));

        assertThat(plan.scannedRelations())
                .as("a query for February should read events_2026_02 and nothing else (not the default, not"
                        + " January's last day); the plan was:%n%s", plan)
                .containsExactly("events_2026_02");
    }

    @Test
    @DisplayName("creating a month whose rows sit in the default partition moves them there in one step, losing none")
    void straysLeaveTheDefaultPartition(PostgresNode node, TestThreads threads) throws Exception {
        MonthlyEventTable events = withMonths(new MonthlyEventTable(node.dataSource()), JANUARY, FEBRUARY);
        insertAt(node, 1, "2026-01-15T10:00:00Z", "events_2026_01");
        insertAt(node, 2, "2026-04-01T00:00:00Z", MonthlyEventTable.DEFAULT_PARTITION);
        insertAt(node, 3, "2026-04-17T08:30:00Z", MonthlyEventTable.DEFAULT_PARTITION);
        insertAt(node, 4, "2026-04-30T23:59:59.999999Z", MonthlyEventTable.DEFAULT_PARTITION);
        insertAt(node, 5, "2026-03-02T00:00:00Z", MonthlyEventTable.DEFAULT_PARTITION);
        insertAt(node, 6, "2030-06-01T00:00:00Z", MonthlyEventTable.DEFAULT_PARTITION);

        // Stop ensurePartitions when it takes a row out of the default partition and when it puts one
        // into events (a trigger on the parent reaches every partition, also those made later), and
        // look from another session: the strays must be in one place or the other, never in neither.
        try (AdvisoryGate outOfDefault = AdvisoryGate.closed(node, 61).before("DELETE", MonthlyEventTable.DEFAULT_PARTITION);
             AdvisoryGate intoEvents = AdvisoryGate.closed(node, 62).before("INSERT", "events")) {
            CompletableFuture<Void> ensuring = threads.run(() -> events.ensurePartitions(MARCH, APRIL));
            List<String> seen = new ArrayList<>();
            AdvisoryGate.walk(threads, ensuring, "ensurePartitions(Mar..Apr)", Map.of(
                    "taking a row out of " + MonthlyEventTable.DEFAULT_PARTITION, outOfDefault,
                    "putting a row into events", intoEvents),
                    step -> seen.add("while " + step + ": " + Catalog.readWithoutWaiting(node, "events",
                            "SELECT 'rows ' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM events")));
            ensuring.get(20, TimeUnit.SECONDS);
            assertThat(seen)
                    .as("what another session saw of events while ensurePartitions(Mar..Apr) moved the strays: rows"
                            + " 1 to 6 each time (or nothing, if it had to wait for a lock). Take the rows out of the"
                            + " default and into their month in the same transaction")
                    .allMatch(look -> look.endsWith(": rows 1,2,3,4,5,6") || look.endsWith(": waits for a lock"));
        }

        assertThat(Catalog.homeOfEachRow(node, "events"))
                .as("where each row sits after ensurePartitions(Mar..Apr): March and April rows must have left the"
                        + " default partition, the 2030 row stays there, and no row may be lost or doubled")
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        1L, "events_2026_01",
                        2L, "events_2026_04",
                        3L, "events_2026_04",
                        4L, "events_2026_04",
                        5L, "events_2026_03",
                        6L, MonthlyEventTable.DEFAULT_PARTITION));
        assertThat(Catalog.count(node, "events")).as("rows in events after the strays moved").isEqualTo(6);
    }

    @Test
    @DisplayName("an event inserted while ensurePartitions moves strays neither makes it fail nor stays in the default")
    void insertsWhileStraysMoveLandInTheNewMonth(PostgresNode node, TestThreads threads) throws Exception {
        MonthlyEventTable events = withMonths(new MonthlyEventTable(node.dataSource()), JANUARY, FEBRUARY);
        insertAt(node, 1, "2026-03-02T00:00:00Z", MonthlyEventTable.DEFAULT_PARTITION);

        // The application keeps inserting: a March event arrives while ensurePartitions(Mar) is
        // stopped taking the March stray out of the default. If it lands in the default there, the
        // month can no longer be attached; it has to wait until the month exists.
        List<CompletableFuture<String>> lateInserts = new ArrayList<>();
        try (AdvisoryGate outOfDefault = AdvisoryGate.closed(node, 63).before("DELETE", MonthlyEventTable.DEFAULT_PARTITION)) {
            CompletableFuture<Void> ensuring = threads.run(() -> events.ensurePartitions(MARCH, MARCH));
            AdvisoryGate.walk(threads, ensuring, "ensurePartitions(Mar..Mar)",
                    Map.of("taking a row out of " + MonthlyEventTable.DEFAULT_PARTITION, outOfDefault),
                    step -> {
                        CompletableFuture<String> insert = threads.supply(
                                () -> insertAt(node, 2, "2026-03-20T00:00:00Z", "events_2026_03"));
                        lateInserts.add(insert);
                        // Only once the insert is done, or waits for a lock, does the test let the move go on.
                        Waits.until("the insert of a March event to finish or to wait for a lock", Duration.ofSeconds(8),
                                () -> insert.isDone() || someoneWaitsForATableLock(node));
                    });
            String advice = ". Keep inserts into events waiting (a lock on events that conflicts with them) from"
                    + " before you move the strays until the month is attached";
            try {
                ensuring.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("ensurePartitions(2026-03) failed after the application inserted a March event"
                        + " while the strays were moving: " + e.getCause().getMessage() + advice, e);
            }
            for (CompletableFuture<String> insert : lateInserts) {
                try {
                    insert.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("the application's insert of a March event, made while ensurePartitions"
                            + "(2026-03) moved the strays, failed: " + e.getCause().getMessage() + advice, e);
                }
            }
        }

        assertThat(Catalog.homeOfEachRow(node, "events"))
                .as("the March stray (1) and the March event inserted while it moved (2) should both be in events_2026_03")
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, "events_2026_03", 2L, "events_2026_03"));
    }

    @Test
    @DisplayName("two processes creating the same month at once both succeed: the existence check comes after the lock")
    void twoProcessesCreateTheSameMonth(PostgresNode node, TestThreads threads) throws Exception {
        withMonths(new MonthlyEventTable(node.dataSource()), JANUARY, FEBRUARY);
        insertAt(node, 1, "2026-03-02T00:00:00Z", MonthlyEventTable.DEFAULT_PARTITION);
        // Two application servers start at once and both keep March ready. The first is held while
        // it moves March's stray out of the default (the month is created but not committed); the
        // second starts then, and the test lets the first go on only once the second has asked
        // whatever it asks and waits for a lock (or has finished).
        MonthlyEventTable first = new MonthlyEventTable(node.dataSource());
        MonthlyEventTable second = new MonthlyEventTable(node.dataSource());
        List<CompletableFuture<Void>> seconds = new ArrayList<>();
        try (AdvisoryGate outOfDefault = AdvisoryGate.closed(node, 64).before("DELETE", MonthlyEventTable.DEFAULT_PARTITION)) {
            CompletableFuture<Void> ensuring = threads.run(() -> first.ensurePartitions(MARCH, MARCH));
            AdvisoryGate.walk(threads, ensuring, "the first ensurePartitions(Mar..Mar)",
                    Map.of("taking a row out of " + MonthlyEventTable.DEFAULT_PARTITION, outOfDefault),
                    step -> {
                        CompletableFuture<Void> other = threads.run(() -> second.ensurePartitions(MARCH, MARCH));
                        seconds.add(other);
                        Waits.until("the second ensurePartitions(Mar..Mar) to finish or to wait for a lock",
                                Duration.ofSeconds(8), () -> other.isDone() || someoneElseWaits(node, 64));
                    });
            ensuring.get(20, TimeUnit.SECONDS);
            for (CompletableFuture<Void> other : seconds) {
                try {
                    other.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("two processes created March at the same time and the second failed: "
                            + e.getCause().getMessage() + ". It asked \"does events_2026_03 exist?\" before it held the"
                            + " lock that serialises creation, saw no (the first had not committed), then waited and"
                            + " created it again. Take the lock first, then look: the answer you act on must be the"
                            + " one given under the lock", e);
                }
            }
        }

        assertThat(Catalog.partitionsOf(node, "events"))
                .as("partitions of events after two processes ensured March at once")
                .containsExactly("events_2026_01", "events_2026_02", "events_2026_03", MonthlyEventTable.DEFAULT_PARTITION);
        assertThat(Catalog.homeOfEachRow(node, "events"))
                .as("the March stray should be in events_2026_03")
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, "events_2026_03"));
    }

    /** Whether a session waits for a lock other than the test's gate {@code gateKey}. */
    private static boolean someoneElseWaits(PostgresNode node, int gateKey) {
        return node.queryValue("SELECT count(*) > 0 FROM pg_locks WHERE NOT granted"
                + " AND NOT (locktype = 'advisory' AND classid = 0 AND objid = ? AND objsubid = 1)", Boolean.class,
                (long) gateKey);
    }

    private static MonthlyEventTable withMonths(MonthlyEventTable events, YearMonth from, YearMonth to) {
        events.createTable();
        events.ensurePartitions(from, to);
        return events;
    }

    private static boolean someoneWaitsForATableLock(PostgresNode node) {
        return node.queryValue("SELECT count(*) > 0 FROM pg_locks WHERE NOT granted AND locktype = 'relation'", Boolean.class);
    }

    /** Runs {@code work} while the JVM's default time zone is {@code zone}, then restores it. */
    private static void inJvmZone(String zone, Runnable work) {
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            work.run();
        } finally {
            TimeZone.setDefault(before);
        }
    }

    /** Inserts through the parent, as the application does; returns where the row should land. */
    private static String insertAt(PostgresNode node, long id, String instant, String expectedPartition) {
        node.queryValue("INSERT INTO events (id, occurred_at, region, customer_id) VALUES (?, ?, 'eu', 1) RETURNING id",
                Long.class, id, utc(instant));
        return expectedPartition;
    }

    private static OffsetDateTime utc(String instant) {
        return OffsetDateTime.parse(instant).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
