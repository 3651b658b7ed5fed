package dev.dbkata.fundamentals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbkata.testkit.Plan;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task keyset-pagination: 100,000 feed entries, newest first, page by page by
 * {@code (created_at, id)}.
 *
 * <p>Three entries share each {@code created_at}, so a page boundary often falls between equals;
 * the timestamps carry microseconds, as {@code now()} gives them, so a cursor must keep them.
 * The test records the exact queries the feed runs, with their parameters, and asks the server
 * for their plans with {@code EXPLAIN (ANALYZE, FORMAT JSON)}: how the rows were found and how many
 * were read.
 *
 * <p>Rejects:
 * <ul>
 *   <li>{@code OFFSET} paging: page 300 reads 30,000 rows to return 100, and every entry created
 *       at the head while someone pages pushes rows onto the next page a second time;</li>
 *   <li>a cursor on {@code created_at} alone: entries that share it with a page's last row are
 *       skipped ({@code <}) or repeated ({@code <=});</li>
 *   <li>a cursor that loses precision (epoch milliseconds, a {@code java.util.Date}): it lands
 *       before the last row's real position, and the entries that share its timestamp are skipped;</li>
 *   <li>a keyset query the index cannot serve (no index, one on {@code id} alone, a sort of the
 *       whole table, a filter written so the index cannot start at the cursor);</li>
 *   <li>a cursor that the feed does not check: a made-up one must be refused, not crash later.</li>
 * </ul>
 */
@Task(id = "keyset-pagination", title = "Keyset pagination newest first", points = 3)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
class KeysetPaginationTest {

    private static final int ENTRIES = 100_000;
    private static final int PAGE = 100;
    /** A prime above ENTRIES: id = n * 7919 mod it scatters ids over time, each one distinct. */
    private static final int SCATTER = 100_003;

    private HikariDataSource app;

    @BeforeEach
    void fillFeed(PostgresNode node) {
        AppRole.create(node);
        node.execute("CREATE TABLE entries (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text NOT NULL)");
        node.execute("INSERT INTO entries (id, created_at, note)"
                + " SELECT (n::bigint * 7919) % " + SCATTER + ", timestamptz '2026-01-01 00:00:00+00' + (n / 3) * interval '1 minute'"
                + " + ((n / 3) % 997) * interval '1 microsecond',"
                + " 'entry ' || n FROM generate_series(1, " + ENTRIES + ") n");
        AppRole.owns(node, "entries");
        node.execute("VACUUM ANALYZE entries");
        app = AppRole.pool(node, "timesheet-feed", 2);
    }

    @AfterEach
    void closePool() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @DisplayName("paging from first to last while entries arrive at the head returns every entry exactly once, in order")
    void pagingWhileEntriesArriveNeitherSkipsNorRepeats(PostgresNode node) throws Exception {
        EntryFeed feed = new EntryFeed(app);
        feed.prepare();
        feed.prepare();

        Map<Long, Integer> seen = new HashMap<>();
        List<FeedEntry> inOrder = new ArrayList<>(ENTRIES);
        Page page = feed.newest(PAGE);
        int pages = 1;
        long newId = 1_000_000;
        while (true) {
            assertThat(page.entries().size()).as("entries on page %d", pages).isLessThanOrEqualTo(PAGE);
            for (FeedEntry e : page.entries()) {
                Integer first = seen.putIfAbsent(e.id(), pages);
                assertThat(first)
                        .as("entry %s is on page %d, but it was on page %s already. With OFFSET, each entry created at"
                                + " the head pushes a row of the page before onto the next one; with a cursor on"
                                + " created_at alone and <=, the entries that share the last row's created_at come again;"
                                + " and ties must be ordered by id in the direction the cursor compares them (DESC with <)",
                                e, pages, first)
                        .isNull();
                inOrder.add(e);
            }
            if (page.nextCursor() == null) {
                break;
            }
            if (pages % 10 == 0) {
                // Users keep logging time while someone scrolls: five new entries at the head.
                node.execute("INSERT INTO entries (id, created_at, note) SELECT " + newId + " + k,"
                        + " timestamptz '2027-01-01 00:00:00+00' + " + pages + " * interval '1 second', 'new' FROM generate_series(1, 5) k");
                newId += 5;
            }
            assertThat(pages).as("pages read so far; %d entries fit in %d pages", ENTRIES, ENTRIES / PAGE + 1)
                    .isLessThan(ENTRIES / PAGE + 50);
            page = feed.after(page.nextCursor(), PAGE);
            pages++;
        }

        long original = seen.keySet().stream().filter(id -> id < SCATTER).count();
        long arrivedLater = seen.keySet().stream().filter(id -> id >= 1_000_000).count();
        assertThat(original)
                .as("of the %d entries that existed when paging began, those shown. Missing ones: with a cursor on"
                        + " created_at alone and <, the entries that share the last row's created_at are skipped; make"
                        + " the cursor (created_at, id); and keep created_at to the microsecond, as the server stores"
                        + " it: a cursor in milliseconds lands before the last row and skips its ties", ENTRIES)
                .isEqualTo(ENTRIES);
        assertThat(arrivedLater)
                .as("entries created at the head after paging began, shown on a later page (they belong before page 1)")
                .isZero();
        for (int i = 1; i < inOrder.size(); i++) {
            FeedEntry before = inOrder.get(i - 1);
            FeedEntry after = inOrder.get(i);
            int cmp = after.createdAt().compareTo(before.createdAt());
            assertThat(cmp < 0 || (cmp == 0 && after.id() < before.id()))
                    .as("newest first, then by id descending: entry %s came after %s", after, before)
                    .isTrue();
        }
    }

    @Test
    @DisplayName("every page, the 300th too, is an index scan that reads about one page of rows")
    void eachPageReadsAboutOnePage(PostgresNode node) throws Exception {
        RecordingDataSource recorder = new RecordingDataSource(app);
        EntryFeed feed = new EntryFeed(recorder.dataSource());
        feed.prepare();
        recorder.takeQueries();

        Page page = feed.newest(PAGE);
        checkReadsOnePage(node, "page 1", recorder.takeQueries());
        page = feed.after(page.nextCursor(), PAGE);
        checkReadsOnePage(node, "page 2", recorder.takeQueries());
        for (int n = 3; n < 300; n++) {
            page = feed.after(page.nextCursor(), PAGE);
        }
        recorder.takeQueries();
        feed.after(page.nextCursor(), PAGE);
        checkReadsOnePage(node, "page 300", recorder.takeQueries());
    }

    @Test
    @DisplayName("a cursor the feed did not make is refused with IllegalArgumentException")
    void aForgedCursorIsRefused(PostgresNode node) throws Exception {
        EntryFeed feed = new EntryFeed(app);
        feed.prepare();
        assertThatThrownBy(() -> feed.after("not-a-cursor!", PAGE))
                .as("after(\"not-a-cursor!\"): bad input deserves a clear error")
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void checkReadsOnePage(PostgresNode node, String which, List<RecordingDataSource.Query> queries)
            throws Exception {
        assertThat(queries).as("queries the feed ran for %s", which).isNotEmpty();
        try (Connection c = node.connect()) {
            for (RecordingDataSource.Query query : queries) {
                Plan plan = Plan.explainAnalyze(c, query.sql(), query.params().toArray());
                long rowsRead = 0;
                boolean indexScan = false;
                for (JsonNode step : plan.nodes()) {
                    String type = step.path("Node Type").asText();
                    assertThat(type)
                            .as("%s: the plan of %s has a %s step: it reads or sorts the whole table to find one"
                                    + " page. An index on the sort key (created_at, id) lets it start at the cursor;"
                                    + " the plan was:%n%s", which, query, type, plan)
                            .isNotIn("Seq Scan", "Sort", "Incremental Sort", "Bitmap Heap Scan");
                    if ("entries".equals(step.path("Relation Name").asText())) {
                        indexScan |= type.startsWith("Index");
                        long loops = Math.max(1, step.path("Actual Loops").asLong(1));
                        rowsRead += step.path("Actual Rows").asLong() * loops
                                + step.path("Rows Removed by Filter").asLong(0) * loops
                                + step.path("Rows Removed by Index Recheck").asLong(0) * loops;
                    }
                }
                assertThat(indexScan).as("%s: %s should read entries with an index scan; the plan was:%n%s",
                        which, query, plan).isTrue();
                assertThat(rowsRead)
                        .as("%s: rows of entries the server read for %s, to return a page of %d (EXPLAIN ANALYZE). OFFSET"
                                + " reads and throws away every row before the page; a keyset starts right after the"
                                + " cursor. The plan was:%n%s", which, query, PAGE, plan)
                        .isLessThanOrEqualTo(2L * PAGE + 2);
            }
        }
    }
}
