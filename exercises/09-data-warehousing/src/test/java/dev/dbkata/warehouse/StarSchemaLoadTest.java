package dev.dbkata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task star-schema-load: a full load of the app's orders into a DuckDB star schema ({@code fact_sales}
 * with {@code dim_date}, {@code dim_customer} and {@code dim_plan}, joined by surrogate keys),
 * extracted through pgjdbc, never through a DuckDB extension.
 *
 * <p>Rejects:
 * <ul>
 *   <li>revenue that differs from PostgreSQL's by a cent: amounts carried as {@code double}, or
 *       rounded, instead of {@code DECIMAL(12,2)};</li>
 *   <li>months taken in the JVM's or the machine's time zone instead of UTC: an order at 23:53 UTC on
 *       the last day of a month lands in the next month (the load runs with the JVM in Asia/Tokyo);</li>
 *   <li>facts that carry the natural ids ({@code customer_id}, {@code plan_id}) instead of the
 *       dimensions' surrogate keys, or keys that match no dimension row, or match two;</li>
 *   <li>a load that doubles the facts (or the dimensions) when it runs again, or keeps the old
 *       amount of an order that changed;</li>
 *   <li>an extract through DuckDB's postgres extension, which must be downloaded at run time.</li>
 * </ul>
 */
@Task(id = "star-schema-load", title = "Load a star schema into DuckDB", points = 3)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
class StarSchemaLoadTest {

    private static final String PG_REVENUE = "SELECT to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM') || ' ' || p.name,"
            + " sum(o.amount) FROM orders o JOIN plans p USING (plan_id) GROUP BY 1";
    private static final String DUCK_REVENUE = "SELECT printf('%04d-%02d', d.year, d.month) || ' ' || p.name, sum(f.amount)"
            + " FROM fact_sales f JOIN dim_date d USING (date_key) JOIN dim_plan p USING (plan_key) GROUP BY 1";

    @TempDir
    Path dir;

    @BeforeEach
    void fixture(PostgresNode node) {
        Sql.oltpFixture(node);
    }

    @Test
    @DisplayName("revenue by month and plan in the star schema equals PostgreSQL's, to the cent, in UTC months")
    void revenueMatchesPostgres(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            // The JVM runs nine hours ahead of UTC: a month taken from a java.sql.Timestamp's local
            // time moves the last minutes of every month into the next one.
            Sql.inJvmZone("Asia/Tokyo", () -> new StarSchemaLoader(node.dataSource(), duck).load());

            Map<String, BigDecimal> expected = Sql.sums(node, PG_REVENUE);
            assertThat(Sql.sums(duck, DUCK_REVENUE))
                    .as("revenue by UTC month and plan (fact_sales joined to dim_date and dim_plan) should equal what"
                            + " PostgreSQL answers from orders, to the cent (expected on the right)")
                    .isEqualTo(expected);
            assertThat(Sql.count(duck, "SELECT count(*) FROM fact_sales"))
                    .as("facts in fact_sales: one per order")
                    .isEqualTo(6000);
            assertThat(Sql.rows(duck, "SELECT typeof(amount) FROM fact_sales LIMIT 1"))
                    .as("fact_sales.amount's type: money is exact, DECIMAL(12,2) as in PostgreSQL")
                    .containsExactly("DECIMAL(12,2)");
            assertThat(Sql.count(duck, "SELECT count(*) FROM duckdb_extensions() WHERE loaded"
                    + " AND extension_name IN ('postgres_scanner', 'postgres', 'httpfs')"))
                    .as("DuckDB extensions loaded to reach PostgreSQL: none may be (they are downloaded at run time;"
                            + " extract with pgjdbc instead)")
                    .isZero();
        }
    }

    @Test
    @DisplayName("facts reference each dimension by its surrogate key, and every key names exactly one row")
    void factsUseSurrogateKeys(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            new StarSchemaLoader(node.dataSource(), duck).load();

            assertThat(columnsOf(duck, "fact_sales"))
                    .as("columns of fact_sales: the measure and one surrogate key per dimension, not the app's ids")
                    .contains("order_id", "date_key", "customer_key", "plan_key", "amount")
                    .doesNotContain("customer_id", "plan_id");
            assertThat(columnsOf(duck, "dim_customer")).as("columns of dim_customer")
                    .contains("customer_key", "customer_id", "name", "country");
            assertThat(columnsOf(duck, "dim_plan")).as("columns of dim_plan").contains("plan_key", "plan_id", "name");
            assertThat(columnsOf(duck, "dim_date")).as("columns of dim_date").contains("date_key", "year", "month", "day");
            for (String[] dim : new String[][] {{"dim_customer", "customer_key", "300"}, {"dim_plan", "plan_key", "4"}}) {
                assertThat(Sql.rows(duck, "SELECT count(*), count(DISTINCT " + dim[1] + ") FROM " + dim[0]))
                        .as("rows and distinct %s in %s: one row per %s, each with its own key", dim[1], dim[0],
                                dim[0].substring(4))
                        .containsExactly(dim[2] + " | " + dim[2]);
            }
            assertThat(Sql.count(duck, "SELECT count(DISTINCT date_key) - count(*) FROM dim_date"))
                    .as("duplicate date_key values in dim_date").isZero();
            assertThat(Sql.count(duck, "SELECT count(*) FROM fact_sales f JOIN dim_date USING (date_key)"
                    + " JOIN dim_customer USING (customer_key) JOIN dim_plan USING (plan_key)"))
                    .as("facts that join to exactly one row of every dimension (there are 6000 facts)")
                    .isEqualTo(6000);
            assertThat(Sql.rows(duck, "SELECT c.customer_id || ' ' || c.country || ' ' || p.name || ' ' || d.year || '-'"
                    + " || d.month || '-' || d.day || ' ' || f.amount FROM fact_sales f JOIN dim_date d USING (date_key)"
                    + " JOIN dim_customer c USING (customer_key) JOIN dim_plan p USING (plan_key) WHERE f.order_id = 50"))
                    .as("order 50 (placed at 23:53 UTC on 2025-03-31) seen through the star: its customer, country, plan,"
                            + " UTC day and amount, as PostgreSQL has them (expected on the right)")
                    .containsExactly(expectedOrder50(node));
        }
    }

    @Test
    @DisplayName("running the load again replaces the warehouse's contents: nothing doubles, changes show")
    void rerunReplaces(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            StarSchemaLoader loader = new StarSchemaLoader(node.dataSource(), duck);
            loader.load();
            node.execute("UPDATE orders SET amount = amount + 0.01, updated_at = now() WHERE order_id % 100 = 7");
            loader.load();

            assertThat(Sql.rows(duck, "SELECT (SELECT count(*) FROM fact_sales) || ' facts, '"
                    + " || (SELECT count(*) FROM dim_customer) || ' customers, ' || (SELECT count(*) FROM dim_plan) || ' plans'"))
                    .as("after loading twice, the warehouse should hold each order, customer and plan once")
                    .containsExactly("6000 facts, 300 customers, 4 plans");
            assertThat(Sql.sums(duck, DUCK_REVENUE))
                    .as("revenue after 60 orders gained a cent and the load ran again (PostgreSQL's on the right)")
                    .isEqualTo(Sql.sums(node, PG_REVENUE));
        }
    }

    private static String expectedOrder50(PostgresNode node) {
        return Sql.rows(node, "SELECT o.customer_id || ' ' || c.country || ' ' || p.name || ' '"
                + " || to_char(o.ordered_at AT TIME ZONE 'UTC', 'FMYYYY-FMMM-FMDD') || ' ' || o.amount"
                + " FROM orders o JOIN customers c USING (customer_id) JOIN plans p ON p.plan_id = o.plan_id"
                + " WHERE o.order_id = 50").get(0);
    }

    private static List<String> columnsOf(Connection duck, String table) {
        return Sql.rows(duck, "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                table);
    }
}
