package dev.dbkata.verticalhorizontalscaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task memory-for-sorts: the smallest work_mem on a 64 kB grid at which the nightly report's sort
 * stays in memory, and the same for its hash join, read from EXPLAIN (ANALYZE, FORMAT JSON).
 * The plan's shape is pinned (no index, no parallel workers, no merge or nested-loop join), so a
 * smaller work_mem makes the same node spill instead of changing strategy.
 *
 * Rejects:
 * - an answer chosen by timing runs: the fastest setting is rarely the smallest that fits;
 * - an answer that is not minimal (doubling from 64 kB, a generous round number): one grid step
 *   below it must spill;
 * - an answer one step too small, which spills (an off-by-one at the end of the search);
 * - an answer off the grid;
 * - a hash answer that ignores hash_mem_multiplier (the hash may use work_mem times it);
 * - evidence that is not the plan's (no sort method, no hash batches).
 */
@Task(id = "memory-for-sorts", title = "The smallest work_mem that keeps a sort and a hash in memory", points = 2)
@WithPostgres
class MemoryForSortsTest {

    static final int STEP_KB = 64;

    static final ReportQuery SORT_REPORT = new ReportQuery(
            "SELECT id, customer_id, amount, note FROM report_lines ORDER BY note, amount",
            Map.of("max_parallel_workers_per_gather", "0",
                    "enable_indexscan", "off",
                    "enable_bitmapscan", "off",
                    "enable_incremental_sort", "off"));

    static final ReportQuery HASH_REPORT = new ReportQuery(
            "SELECT l.id, l.amount, c.name FROM report_lines l JOIN report_customers c ON c.id = l.customer_id",
            Map.of("max_parallel_workers_per_gather", "0",
                    "enable_mergejoin", "off",
                    "enable_nestloop", "off",
                    "hash_mem_multiplier", "2.0"));

    @BeforeAll
    static void nightlyReportData(PostgresNode postgres) {
        postgres.execute("""
                DROP TABLE IF EXISTS report_lines, report_customers;
                CREATE TABLE report_customers (id int PRIMARY KEY, name text NOT NULL);
                INSERT INTO report_customers
                  SELECT g, 'customer ' || md5(g::text) FROM generate_series(1, 6000) g;
                CREATE TABLE report_lines (id int PRIMARY KEY, customer_id int NOT NULL,
                                           amount numeric(12,2) NOT NULL, note text NOT NULL);
                INSERT INTO report_lines
                  SELECT g, 1 + (g * 7919) % 6000, (g * 37 % 100000) / 100.0, md5((g * 31)::text)
                  FROM generate_series(1, 8000) g;
                ANALYZE report_customers, report_lines;
                """);
    }

    @Test
    @DisplayName("the sort answer is on the grid, sorts in memory at it, and spills one step below")
    void sortAnswerIsTheSmallestThatFits(PostgresNode postgres) throws SQLException {
        MemoryAnswer answer = new WorkMemTuner(postgres.dataSource()).smallestSortWorkMem(SORT_REPORT, STEP_KB);

        assertOnGrid(answer);
        try (Connection session = postgres.connect()) {
            List<JsonNode> at = ExplainedPlan.nodesAt(session, SORT_REPORT, answer.workMemKb(), "Sort");
            assertThat(at).as("the pinned report plan has one Sort node").hasSize(1);
            assertThat(at.get(0).path("Sort Space Type").asText())
                    .as("at work_mem = %d kB the sort must run in memory, but EXPLAIN ANALYZE says %s (Sort Method %s):"
                            + " the answer is too small", answer.workMemKb(), at.get(0).path("Sort Space Type").asText(),
                            at.get(0).path("Sort Method").asText())
                    .isEqualTo("Memory");
        }
        if (answer.workMemKb() - STEP_KB >= 64) {
            try (Connection session = postgres.connect()) {
                JsonNode below = ExplainedPlan.nodesAt(session, SORT_REPORT, answer.workMemKb() - STEP_KB, "Sort").get(0);
                assertThat(below.path("Sort Space Type").asText())
                        .as("one grid step below the answer (%d kB) the sort must spill to disk, but it ran in memory"
                                + " (%s kB used): %d kB is not the smallest work_mem that fits; search the grid, do not"
                                + " time runs or round up", answer.workMemKb() - STEP_KB,
                                below.path("Sort Space Used").asText(), answer.workMemKb())
                        .isEqualTo("Disk");
            }
        }
        assertThat(answer.evidence())
                .as("the evidence is what the plan said: its sort method and space type")
                .contains("quicksort").contains("Memory");
    }

    @Test
    @DisplayName("the hash join answer keeps one batch at it and needs more one step below")
    void hashAnswerIsTheSmallestThatFits(PostgresNode postgres) throws SQLException {
        MemoryAnswer answer = new WorkMemTuner(postgres.dataSource()).smallestHashWorkMem(HASH_REPORT, STEP_KB);

        assertOnGrid(answer);
        try (Connection session = postgres.connect()) {
            List<JsonNode> at = ExplainedPlan.nodesAt(session, HASH_REPORT, answer.workMemKb(), "Hash");
            assertThat(at).as("the pinned report plan has one Hash node").hasSize(1);
            assertThat(at.get(0).path("Hash Batches").asInt())
                    .as("at work_mem = %d kB (x hash_mem_multiplier 2.0) the hash must fit in one batch, but it"
                            + " took %s: the answer is too small", answer.workMemKb(), at.get(0).path("Hash Batches").asText())
                    .isEqualTo(1);
        }
        if (answer.workMemKb() - STEP_KB >= 64) {
            try (Connection session = postgres.connect()) {
                JsonNode below = ExplainedPlan.nodesAt(session, HASH_REPORT, answer.workMemKb() - STEP_KB, "Hash").get(0);
                assertThat(below.path("Hash Batches").asInt())
                        .as("one grid step below the answer (%d kB) the hash must need more than one batch, but it fit:"
                                + " %d kB is not minimal (did the search ignore hash_mem_multiplier, or round up?)",
                                answer.workMemKb() - STEP_KB, answer.workMemKb())
                        .isGreaterThan(1);
            }
        }
        assertThat(answer.evidence())
                .as("the evidence is what the plan said: its hash batches")
                .contains("Hash Batches: 1");
    }

    private static void assertOnGrid(MemoryAnswer answer) {
        assertThat(answer.workMemKb() % STEP_KB)
                .as("the answer %d kB must be on the %d kB grid", answer.workMemKb(), STEP_KB)
                .isZero();
        assertThat(answer.workMemKb())
                .as("this report needs more than the minimum work_mem; an answer of 64 kB did not search")
                .isGreaterThan(64);
    }
}
