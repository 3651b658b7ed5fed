package dev.dbkata.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task plan-doctor: read {@code EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)} and report each problem
 * with the plan node that shows it.
 *
 * <p>Plans are pinned, not hoped for: parallel workers are off, and the nested-loop and spill
 * cases set the planner switches ({@code enable_hashjoin}, {@code work_mem}, ...) on the session
 * the doctor runs on. The stale-statistics case is made for real: a table with autovacuum off is
 * analysed, then an unindexed column is skewed and the statistics are left as they were.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a doctor that flags every sequential scan (a small table is read whole on purpose);</li>
 *   <li>estimates compared with the rows of all loops together, or one way round only
 *       (an underestimate and an overestimate are both reported);</li>
 *   <li>only the top node read: the findings hide below Aggregates and joins;</li>
 *   <li>missing a hash that went to disk in batches (only sorts say "Disk");</li>
 *   <li>flagging a nested loop by its type alone: a loop over ten rows is the best plan there is;</li>
 *   <li>findings that do not name their node (and table), and findings on a healthy plan.</li>
 * </ul>
 */
@Task(id = "plan-doctor", title = "Diagnose executed plans", points = 3)
@WithPostgres
class PlanDoctorTest {

    private final PlanDoctor doctor = new PlanDoctor();

    @BeforeAll
    static void invoicesAndCustomers(PostgresNode node) {
        node.execute("DROP TABLE IF EXISTS invoice_line, customer, small_lookup;"
                + " CREATE TABLE customer (id int PRIMARY KEY, credit_limit int NOT NULL);"
                + " INSERT INTO customer SELECT g, g % 900 FROM generate_series(1, 5000) g;"
                + " CREATE TABLE invoice_line (id int PRIMARY KEY, customer_id int NOT NULL, amount int NOT NULL,"
                + "   memo text NOT NULL) WITH (autovacuum_enabled = off);"
                + " INSERT INTO invoice_line SELECT g, 1 + (g * 7919) % 5000, g % 997, md5(g::text)"
                + "   FROM generate_series(1, 50000) g;"
                + " CREATE TABLE small_lookup (id int, customer_id int);"
                + " INSERT INTO small_lookup SELECT g, g % 50 FROM generate_series(1, 500) g;"
                + " ANALYZE customer, invoice_line, small_lookup");
    }

    @Test
    @DisplayName("a sequential scan that throws away most rows of a large table is found on its node")
    void seqScanThatFiltersMostRows(PostgresNode node) throws SQLException {
        List<Finding> large = examine(node, "SELECT * FROM invoice_line WHERE customer_id = 42");
        assertThat(large).as("findings for a lookup by an unindexed column of 50,000 rows: the Seq Scan reads"
                + " them all to keep 10").anyMatch(f -> f.kind() == FindingKind.SEQ_SCAN_FILTERS_MOST_ROWS
                && f.nodeType().equals("Seq Scan") && "invoice_line".equals(f.relation()));

        List<Finding> small = examine(node, "SELECT * FROM small_lookup WHERE customer_id = 7");
        assertThat(small).as("a table of 500 rows is read whole faster than through any index: no finding")
                .noneMatch(f -> f.kind() == FindingKind.SEQ_SCAN_FILTERS_MOST_ROWS);
    }

    @Test
    @DisplayName("a row estimate off by 10× or more, from statistics gone stale, is found; ANALYZE clears it")
    void staleStatisticsMisleadTheEstimate(PostgresNode node) throws SQLException {
        node.execute("DROP TABLE IF EXISTS payment;"
                + " CREATE TABLE payment (id int, kind text NOT NULL) WITH (autovacuum_enabled = off);"
                + " INSERT INTO payment SELECT g, CASE WHEN g % 2000 = 0 THEN 'refund' ELSE 'card' END"
                + "   FROM generate_series(1, 20000) g;"
                + " ANALYZE payment;"
                // Month-end: 19 payments in 20 become refunds, and nobody analyses the table again.
                + " UPDATE payment SET kind = 'refund' WHERE id % 20 <> 0");
        String refunds = "SELECT count(*) FROM payment WHERE kind = 'refund'";
        String cards = "SELECT count(*) FROM payment WHERE kind = 'card'";

        List<Finding> stale = examine(node, refunds);
        assertThat(stale).as("the statistics say 1 payment in 2,000 is a refund; now 19,010 of 20,000 are. The Seq Scan"
                + " on payment should be reported with its estimate off (compare Plan Rows with Actual Rows, per loop)")
                .anyMatch(f -> f.kind() == FindingKind.ROW_ESTIMATE_OFF && f.nodeType().equals("Seq Scan")
                        && "payment".equals(f.relation()));
        assertThat(examine(node, cards)).as("the other way round: the statistics say 19,990 payments are by card; now 990"
                + " are, 20× fewer than estimated. An overestimate is as wrong as an underestimate (it steers the planner"
                + " away from an index, or to a hash where a nested loop would do): report it on the Seq Scan on payment")
                .anyMatch(f -> f.kind() == FindingKind.ROW_ESTIMATE_OFF && f.nodeType().equals("Seq Scan")
                        && "payment".equals(f.relation()));

        node.execute("ANALYZE payment");
        assertThat(examine(node, refunds)).as("after ANALYZE the estimate matches the rows: no estimate finding")
                .noneMatch(f -> f.kind() == FindingKind.ROW_ESTIMATE_OFF);
        assertThat(examine(node, cards)).as("after ANALYZE the estimate for cards matches too")
                .noneMatch(f -> f.kind() == FindingKind.ROW_ESTIMATE_OFF);
    }

    @Test
    @DisplayName("a sort and a hash that spill to disk are found; with enough work_mem they are not")
    void sortsAndHashesThatSpill(PostgresNode node) throws SQLException {
        String sort = "SELECT id, memo FROM invoice_line ORDER BY memo";
        String hashJoin = "SELECT count(*) FROM invoice_line a JOIN invoice_line b ON a.memo = b.memo";
        String pinned = "SET enable_mergejoin = off; SET enable_nestloop = off; ";

        assertThat(examine(node, "SET work_mem = '64kB'", sort)).as("sorting 50,000 rows in 64 kB of work_mem"
                + " (Sort Space Type: Disk)").anyMatch(f -> f.kind() == FindingKind.SPILLS_TO_DISK
                && f.nodeType().equals("Sort"));
        assertThat(examine(node, pinned + "SET work_mem = '64kB'", hashJoin)).as("hashing 50,000 rows in 64 kB:"
                + " the Hash node splits its table into batches on disk (Hash Batches > 1)")
                .anyMatch(f -> f.kind() == FindingKind.SPILLS_TO_DISK && f.nodeType().equals("Hash"));

        assertThat(examine(node, "SET work_mem = '64MB'", sort)).as("the same sort in 64 MB stays in memory")
                .noneMatch(f -> f.kind() == FindingKind.SPILLS_TO_DISK);
        assertThat(examine(node, pinned + "SET work_mem = '64MB'", hashJoin)).as("the same hash in 64 MB: one batch")
                .noneMatch(f -> f.kind() == FindingKind.SPILLS_TO_DISK);
    }

    @Test
    @DisplayName("a nested loop over a large outer side is found; over ten rows it is not")
    void nestedLoopOverALargeOuterSide(PostgresNode node) throws SQLException {
        String pinned = "SET enable_hashjoin = off; SET enable_mergejoin = off";
        String join = "SELECT sum(c.credit_limit) FROM invoice_line l JOIN customer c ON c.id = l.customer_id"
                + " WHERE l.id <= ";

        List<Finding> large = examine(node, pinned, join + 5000);
        assertThat(large).as("5,000 invoice lines on the outer side: the inner index scan runs 5,000 times")
                .anyMatch(f -> f.kind() == FindingKind.NESTED_LOOP_LARGE_OUTER && f.nodeType().equals("Nested Loop"));
        assertThat(large).as("every estimate of this plan is right once read per loop: the inner index scan on customer"
                + " is estimated at 1 row and returns 1 row in each of its 5,000 loops (Actual Rows is per loop)")
                .noneMatch(f -> f.kind() == FindingKind.ROW_ESTIMATE_OFF);
        List<Finding> small = examine(node, pinned, join + 10);
        assertThat(small).as("a nested loop over 10 outer rows is the right plan: no finding")
                .noneMatch(f -> f.kind() == FindingKind.NESTED_LOOP_LARGE_OUTER);
    }

    @Test
    @DisplayName("a healthy plan gets no findings, and a plan that did not run is refused")
    void healthyPlanAndBadInput(PostgresNode node) throws SQLException {
        assertThat(examine(node, "SELECT * FROM invoice_line WHERE id = 4242"))
                .as("a primary-key lookup: one index scan, estimate exact").isEmpty();
        String notExecuted = node.explain("SELECT * FROM invoice_line").toString();
        assertThatThrownBy(() -> doctor.diagnose("[{\"Plan\": " + notExecuted + "}]"))
                .as("a plan without Actual Rows (EXPLAIN without ANALYZE) cannot be diagnosed")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> doctor.diagnose("not json")).isInstanceOf(IllegalArgumentException.class);
    }

    private List<Finding> examine(PostgresNode node, String sql) throws SQLException {
        return examine(node, "SELECT 1", sql);
    }

    /** Runs the session settings, then the doctor, on one connection without parallel workers. */
    private List<Finding> examine(PostgresNode node, String settings, String sql) throws SQLException {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.execute("SET max_parallel_workers_per_gather = 0; " + settings);
            return doctor.examine(c, sql);
        }
    }
}
