package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlanTest {

    /** The shape PostgreSQL 17 prints for a query on a partitioned table with one partition pruned at start. */
    private static final String APPEND_PLAN = """
            [{"Plan": {"Node Type": "Append", "Subplans Removed": 1, "Plans": [
                {"Node Type": "Seq Scan", "Relation Name": "events_2026_01", "Alias": "events_1"},
                {"Node Type": "Index Scan", "Relation Name": "events_2026_02", "Alias": "events_2",
                 "Index Name": "events_2026_02_pkey"}
            ]}}]
            """;

    @Test
    void listsScannedRelationsAndNodeTypesInPlanOrder() {
        Plan plan = Plan.parse(APPEND_PLAN);

        assertThat(plan.scannedRelations()).containsExactly("events_2026_01", "events_2026_02");
        assertThat(plan.nodeTypes()).containsExactly("Append", "Seq Scan", "Index Scan");
        assertThat(plan.uses("Index Scan")).isTrue();
        assertThat(plan.uses("Bitmap Heap Scan")).isFalse();
        assertThat(plan.subplansRemoved()).isEqualTo(1);
        assertThat(plan.root().path("Node Type").asText()).isEqualTo("Append");
    }

    @Test
    void rejectsTextThatIsNotJson() {
        assertThatThrownBy(() -> Plan.parse("Seq Scan on t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not EXPLAIN JSON");
    }
}
