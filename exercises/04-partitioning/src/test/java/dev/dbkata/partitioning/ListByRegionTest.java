package dev.dbkata.partitioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.Plan;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Task list-by-region: {@code customers} is list-partitioned by country, one partition per
 * region plus a default, and a customer who moves country moves partition.
 *
 * <p>Rejects:
 * <ul>
 *   <li>no default partition, so a customer from an unlisted country cannot be stored;</li>
 *   <li>partitioning by something other than the country, so a one-country query reads every
 *       partition;</li>
 *   <li>a relocation that updates the partition table itself (PostgreSQL refuses: the row would
 *       violate that partition's constraint);</li>
 *   <li>a relocation done as a delete and an insert in separate transactions, in either order: in
 *       between, other sessions find no such customer (delete first) or find it twice (insert
 *       first);</li>
 *   <li>a relocation that loses the customer's other columns, or reports success for an unknown id.</li>
 * </ul>
 */
@Task(id = "list-by-region", title = "List partitions by region", points = 2)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@ExtendWith(TestThreads.Extension.class)
class ListByRegionTest {

    private static final Map<String, Set<String>> REGIONS = regions();

    private static Map<String, Set<String>> regions() {
        Map<String, Set<String>> regions = new LinkedHashMap<>();
        regions.put("europe", Set.of("DE", "FR", "NL", "PL"));
        regions.put("americas", Set.of("US", "CA", "BR"));
        regions.put("asia", Set.of("JP", "IN", "SG"));
        return regions;
    }

    @Test
    @DisplayName("each customer lands in its region's partition, unlisted countries in customers_other")
    void customersLandInTheirRegion(PostgresNode node) {
        new RegionalCustomers(node.dataSource()).createTable(REGIONS);
        insertCustomers(node);

        assertThat(node.queryValue("SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = 'customers'::regclass",
                String.class)).as("customers should be a partitioned table using LIST ('l') partitioning").isEqualTo("l");
        assertThat(Catalog.homeOfEachRow(node, "customers"))
                .as("the partition that holds each customer (id -> partition, from tableoid)")
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        1L, "customers_europe", 2L, "customers_europe", 3L, "customers_americas",
                        4L, "customers_asia", 5L, RegionalCustomers.OTHER_PARTITION, 6L, RegionalCustomers.OTHER_PARTITION));
    }

    @Test
    @DisplayName("a query for one country reads only its region's partition; an unlisted country reads only the default")
    void oneCountryQueryScansOnePartition(PostgresNode node) {
        new RegionalCustomers(node.dataSource()).createTable(REGIONS);
        insertCustomers(node);

        Plan france = node.explain("SELECT * FROM customers WHERE country = ?", "FR");
        Plan kenya = node.explain("SELECT * FROM customers WHERE country = ?", "KE");

        assertThat(france.scannedRelations()).as("a query for FR should read customers_europe only; the plan was:%n%s", france)
                .containsExactly("customers_europe");
        assertThat(kenya.scannedRelations()).as("a query for KE (no region lists it) should read the default partition"
                + " only; the plan was:%n%s", kenya).containsExactly(RegionalCustomers.OTHER_PARTITION);
    }

    @Test
    @DisplayName("relocating a customer moves the row to the new region's partition and keeps its data")
    void relocationMovesTheRow(PostgresNode node) {
        RegionalCustomers customers = new RegionalCustomers(node.dataSource());
        customers.createTable(REGIONS);
        insertCustomers(node);

        boolean found = customers.relocate(2, "US");
        boolean unknownFound = customers.relocate(404, "US");

        assertThat(found).as("relocate(2, US) should report that customer 2 exists").isTrue();
        assertThat(unknownFound).as("relocate(404, US) should report that there is no customer 404").isFalse();
        assertThat(Catalog.homeOfEachRow(node, "customers"))
                .as("customer 2 should now live in customers_americas, everyone else where they were")
                .containsEntry(2L, "customers_americas").containsEntry(1L, "customers_europe").hasSize(6);
        assertThat(node.queryValue("SELECT country || ' ' || name FROM customers WHERE id = 2", String.class))
                .as("customer 2's row after the move").isEqualTo("US Bruno");
    }

    @Test
    @DisplayName("at every step of a relocation, other sessions see the customer exactly once: never missing, never twice")
    void relocationIsAtomic(PostgresNode node, TestThreads threads) throws Exception {
        RegionalCustomers customers = new RegionalCustomers(node.dataSource());
        customers.createTable(REGIONS);
        insertCustomers(node);

        // The row must leave customers_europe and enter customers_americas. The test stops the
        // relocation at each of those two steps, in whichever order it takes them, and looks from
        // another session: a move split over two transactions has committed the first step by the
        // time it reaches the second, so one of the looks finds the customer missing or twice.
        try (AdvisoryGate outOfEurope = AdvisoryGate.closed(node, 41).before("DELETE", "customers_europe");
             AdvisoryGate intoAmericas = AdvisoryGate.closed(node, 42).before("INSERT", "customers_americas")) {
            Map<String, AdvisoryGate> gates = Map.of("deleting customer 2 from customers_europe", outOfEurope,
                    "inserting customer 2 into customers_americas", intoAmericas);
            CompletableFuture<Boolean> relocation = threads.supply(() -> customers.relocate(2, "US"));
            List<String> seen = new ArrayList<>();
            AdvisoryGate.walk(threads, relocation, "relocate(2, US)", gates,
                    step -> seen.add("while " + step + ": " + customerTwoAsSeenByAnotherSession(node)));
            assertThat(relocation.get(10, TimeUnit.SECONDS)).as("relocate(2, US) should report that customer 2 exists")
                    .isTrue();

            assertThat(seen)
                    .as("what another session saw of customer 2 at each step of relocate(2, US). The move has to"
                            + " delete the row from customers_europe and insert it into customers_americas; if those"
                            + " two steps commit separately, the customer is missing (delete first) or there twice"
                            + " (insert first) in between. Both steps belong in one transaction")
                    .allMatch(look -> look.endsWith(": 1 row(s): FR") || look.endsWith(": waits for a lock"))
                    .hasSize(2);
        }
        assertThat(customerTwoAsSeenByAnotherSession(node)).as("customer 2 after the relocation").isEqualTo("1 row(s): US");
    }

    private static String customerTwoAsSeenByAnotherSession(PostgresNode node) {
        return Catalog.readWithoutWaiting(node, "customers", "SELECT count(*) || ' row(s): '"
                + " || coalesce(string_agg(country, ',' ORDER BY country), '') FROM customers WHERE id = 2");
    }

    private static void insertCustomers(PostgresNode node) {
        node.execute("INSERT INTO customers (id, country, name) VALUES"
                + " (1, 'DE', 'Anna'), (2, 'FR', 'Bruno'), (3, 'CA', 'Chloe'), (4, 'JP', 'Daichi'),"
                + " (5, 'KE', 'Esther'), (6, 'AU', 'Finn')");
    }
}
