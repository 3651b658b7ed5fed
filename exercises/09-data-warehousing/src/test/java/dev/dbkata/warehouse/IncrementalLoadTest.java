package dev.dbkata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task incremental-load: each load brings only the orders that changed since the last one, and the
 * warehouse's {@code orders} ends up equal to PostgreSQL's, however often it runs.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a load that appends changed rows without replacing the old ones (an updated order twice), or
 *       that copies everything every time (a rerun must report nothing);</li>
 *   <li>a load that ignores deletes, or applies a deletion after the order came back (a refund
 *       undone): the restored order must stay;</li>
 *   <li>a {@code max(updated_at)} watermark: a transaction that is still open during a load and
 *       commits afterwards, with an {@code updated_at} older than the watermark, is never loaded;</li>
 *   <li>a {@code max(order_id)} watermark: the same transaction took its id from the sequence before
 *       another order that committed first, so its id is below the watermark;</li>
 *   <li>a watermark that moves even when the load fails, or is kept outside the warehouse's transaction.</li>
 * </ul>
 */
@Task(id = "incremental-load", title = "Load only what changed, missing nothing", points = 4)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
class IncrementalLoadTest {

    @TempDir
    Path dir;

    @BeforeEach
    void fixture(PostgresNode node) {
        Sql.oltpFixture(node);
    }

    @Test
    @DisplayName("the first load copies every order; a rerun with nothing changed adds and removes nothing")
    void rerunAddsNothing(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            IncrementalLoader loader = new IncrementalLoader(node.dataSource(), duck);
            assertThat(loader.load()).as("report of the first load: every order is new").isEqualTo(new LoadReport(6000, 0));
            assertMirrors(node, duck, "after the first load");
            assertThat(loader.load())
                    .as("report of a load when nothing changed in PostgreSQL: an incremental load moves nothing")
                    .isEqualTo(new LoadReport(0, 0));
            assertMirrors(node, duck, "after a second load with nothing changed");
        }
    }

    @Test
    @DisplayName("updated orders replace their old version, deleted orders disappear, new orders arrive, restored orders stay")
    void updatesReplaceAndDeletesApply(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            IncrementalLoader loader = new IncrementalLoader(node.dataSource(), duck);
            loader.load();
            node.execute("UPDATE orders SET amount = amount + 1.50, updated_at = now() WHERE order_id IN (10, 20, 30)");
            node.execute("DELETE FROM orders WHERE order_id IN (40, 41)");
            node.execute("INSERT INTO orders (customer_id, plan_id, amount, ordered_at)"
                    + " VALUES (1, 2, 29.00, '2025-12-30 10:00+00'), (2, 3, 99.50, '2025-12-30 11:00+00')");

            assertThat(loader.load())
                    .as("report of the load after 3 updates, 2 deletes and 2 inserts")
                    .isEqualTo(new LoadReport(5, 2));
            assertMirrors(node, duck, "after 3 updates, 2 deletes and 2 inserts");
            assertThat(loader.load()).as("report of a rerun right after").isEqualTo(new LoadReport(0, 0));
            assertMirrors(node, duck, "after a rerun");

            // A refund, then the refund undone by a later transaction: order 50 is deleted (a tombstone
            // is written) and comes back with the same id.
            node.execute("CREATE TABLE refunded AS SELECT * FROM orders WHERE order_id = 50;"
                    + " DELETE FROM orders WHERE order_id = 50");
            node.execute("INSERT INTO orders SELECT * FROM refunded; DROP TABLE refunded");
            loader.load();
            assertMirrors(node, duck, "after order 50 was deleted and then restored by a later transaction (its"
                    + " tombstone is older than the row that came back: the order exists, so the deletion is void)");
        }
    }

    @Test
    @DisplayName("an order committed after a load by a transaction that was open during it, with an early timestamp,"
            + " arrives with the next load")
    void lateCommitIsNotLost(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"));
             Connection slow = node.connect()) {
            IncrementalLoader loader = new IncrementalLoader(node.dataSource(), duck);
            loader.load();

            // A slow transaction writes an order stamped early in the year and takes its id first...
            slow.setAutoCommit(false);
            long lateId = insertOrder(slow, "2025-01-05 09:00+00");
            // ...then a quick one takes the next id, commits, and an existing order changes.
            long quickId;
            try (Connection quick = node.connect()) {
                quickId = insertOrder(quick, "2025-12-31 18:00+00");
            }
            node.execute("UPDATE orders SET amount = 1.00, updated_at = now() WHERE order_id = 7");

            LoadReport whileOpen = loader.load();
            slow.commit();
            LoadReport afterCommit = loader.load();

            assertThat(Sql.rows(duck, "SELECT order_id FROM orders WHERE order_id = ?", lateId))
                    .as("order %d was written by a transaction still open during a load and committed after it;"
                                    + " its updated_at (2025-01-05) is older than everything loaded, and its id is below"
                                    + " order %d's, which committed first. The next load (report %s, then %s) must still"
                                    + " bring it: a max(updated_at) or max(order_id) watermark never will",
                            lateId, quickId, whileOpen, afterCommit)
                    .containsExactly(String.valueOf(lateId));
            assertMirrors(node, duck, "after the late transaction committed and the next load ran");
        }
    }

    private static long insertOrder(Connection connection, String orderedAt) throws Exception {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO orders (customer_id, plan_id, amount,"
                + " ordered_at, updated_at) VALUES (3, 4, 499.00, ?::timestamptz, ?::timestamptz) RETURNING order_id")) {
            s.setString(1, orderedAt);
            s.setString(2, orderedAt);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The warehouse's orders must be PostgreSQL's: the same rows, each once, with the same values. */
    static void assertMirrors(PostgresNode node, Connection duck, String when) {
        List<String> postgres = Sql.rows(node, "SELECT order_id || ' ' || customer_id || ' ' || plan_id || ' ' || amount"
                + " || ' ' || to_char(ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM orders ORDER BY order_id");
        List<String> warehouse = Sql.rows(duck, "SELECT order_id || ' ' || customer_id || ' ' || plan_id || ' ' || amount"
                + " || ' ' || strftime(ordered_at, '%Y-%m-%d %H:%M:%S') FROM orders ORDER BY order_id");
        Set<String> missing = new LinkedHashSet<>(postgres);
        missing.removeAll(warehouse);
        Map<String, Integer> unmatched = new HashMap<>();
        postgres.forEach(row -> unmatched.merge(row, 1, Integer::sum));
        List<String> extra = new ArrayList<>();
        for (String row : warehouse) {
            if (unmatched.merge(row, -1, Integer::sum) < 0) {
                extra.add(row);
            }
        }
        assertThat(missing)
                .as("%s: orders PostgreSQL has that the warehouse lacks, or holds with other values"
                        + " (order_id customer_id plan_id amount ordered_at)", when)
                .isEmpty();
        assertThat(extra)
                .as("%s: rows in the warehouse's orders that PostgreSQL does not have (deleted, old versions of"
                        + " updated orders, or duplicates)", when)
                .isEmpty();
    }
}
