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
 * Task slowly-changing-dimension: {@code dim_customer} keeps type-2 history (a new version, with
 * {@code valid_from}, {@code valid_to} and {@code is_current}, each time a customer's name, country
 * or plan changes), and every fact points at the version that was valid when the sale happened.
 *
 * <p>Rejects:
 * <ul>
 *   <li>joining facts to today's customer: revenue from before a move is counted in the new country;</li>
 *   <li>attributing a sale to the version current when the load ran: an order placed before the move
 *       but loaded after it belongs to the old version;</li>
 *   <li>overwriting the customer (type 1), or opening a new version on every load even when nothing
 *       changed, or leaving two versions current;</li>
 *   <li>opening a new version because {@code updated_at} moved when no tracked attribute changed (the
 *       app touches a customer on every login);</li>
 *   <li>versions with gaps or overlaps (the old version must end exactly where the new one starts, at
 *       the customer's {@code updated_at});</li>
 *   <li>a reload that doubles the facts.</li>
 * </ul>
 */
@Task(id = "slowly-changing-dimension", title = "Keep customer history (SCD type 2)", points = 4)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
class SlowlyChangingDimensionTest {

    private static final String VERSIONS_OF_7 = "SELECT country || ' plan ' || plan_id || ' ' || strftime(valid_from,"
            + " '%Y-%m-%d %H:%M') || ' -> ' || strftime(valid_to, '%Y-%m-%d %H:%M') || CASE WHEN is_current THEN ' current'"
            + " ELSE '' END FROM dim_customer WHERE customer_id = 7 ORDER BY valid_from";

    @TempDir
    Path dir;

    @BeforeEach
    void fixture(PostgresNode node) {
        Sql.oltpFixture(node);
    }

    @Test
    @DisplayName("the first load gives each customer one current version that is valid for all time")
    void firstLoad(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            new CustomerHistory(node.dataSource(), duck).load();

            assertThat(Sql.rows(duck, "SELECT count(*), count(DISTINCT customer_key), count(DISTINCT customer_id),"
                    + " count(*) FILTER (WHERE is_current), count(*) FILTER (WHERE valid_from = ? AND valid_to = ?)"
                    + " FROM dim_customer", CustomerHistory.BEGINNING, CustomerHistory.END_OF_TIME))
                    .as("dim_customer after the first load: versions, distinct keys, distinct customers, current"
                            + " versions, versions valid from BEGINNING to END_OF_TIME")
                    .containsExactly("300 | 300 | 300 | 300 | 300");
            assertThat(Sql.count(duck, "SELECT count(*) FROM fact_sales f JOIN dim_customer d USING (customer_key)"))
                    .as("facts that join to a customer version (one per order)")
                    .isEqualTo(6000);
        }
    }

    @Test
    @DisplayName("a customer who moves gets a second version; sales before the move stay with the first, even one"
            + " loaded after the move")
    void salesKeepTheVersionOfTheirTime(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            CustomerHistory history = new CustomerHistory(node.dataSource(), duck);
            history.load();
            // Customer 7 (US, enterprise) moves to Japan and switches to pro on 1 July 2025.
            node.execute("UPDATE customers SET country = 'JP', plan_id = 2, updated_at = '2025-07-01 00:00+00'"
                    + " WHERE customer_id = 7");
            // A March order reaches PostgreSQL only now (a partner's late batch); an August one too.
            long lateMarch = node.queryValue("INSERT INTO orders (customer_id, plan_id, amount, ordered_at)"
                    + " VALUES (7, 4, 123.45, '2025-03-10 12:00+00') RETURNING order_id", Long.class);
            node.queryValue("INSERT INTO orders (customer_id, plan_id, amount, ordered_at)"
                    + " VALUES (7, 2, 10.00, '2025-08-02 08:00+00') RETURNING order_id", Long.class);
            history.load();

            assertThat(Sql.rows(duck, VERSIONS_OF_7))
                    .as("customer 7's versions after moving from US to JP on 2025-07-01: the first one ends where the"
                            + " second begins, and only the second is current")
                    .containsExactly("US plan 4 1970-01-01 00:00 -> 2025-07-01 00:00",
                            "JP plan 2 2025-07-01 00:00 -> 9999-12-31 00:00 current");
            Map<String, BigDecimal> expected = Sql.sums(node, "SELECT CASE WHEN ordered_at < '2025-07-01 00:00+00'"
                    + " THEN 'US' ELSE 'JP' END, sum(amount) FROM orders WHERE customer_id = 7 GROUP BY 1");
            assertThat(Sql.sums(duck, "SELECT d.country, sum(f.amount) FROM fact_sales f JOIN dim_customer d"
                    + " USING (customer_key) WHERE d.customer_id = 7 GROUP BY 1"))
                    .as("customer 7's revenue by the country they lived in at the time of each sale (expected on the"
                            + " right): sales before the move belong to the US version, not to today's JP")
                    .isEqualTo(expected);
            assertThat(Sql.rows(duck, "SELECT d.country FROM fact_sales f JOIN dim_customer d USING (customer_key)"
                    + " WHERE f.order_id = ?", lateMarch))
                    .as("the March order loaded after the move (order %d) should point at the version valid in March,"
                            + " whatever was current when it was loaded", lateMarch)
                    .containsExactly("US");
            assertThat(Sql.count(duck, "SELECT count(*) FROM fact_sales")).as("facts after two loads").isEqualTo(6002);
        }
    }

    @Test
    @DisplayName("loading the same changes again, or a customer touched without a tracked change, creates no version and no fact")
    void reloadIsIdempotent(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            CustomerHistory history = new CustomerHistory(node.dataSource(), duck);
            history.load();
            node.execute("UPDATE customers SET plan_id = 3, updated_at = '2025-05-01 00:00+00' WHERE customer_id IN (11, 12)");
            history.load();
            List<String> before = Sql.rows(duck, "SELECT * FROM dim_customer ORDER BY customer_key");
            history.load();
            // The app touches customer 13 (a login): updated_at moves, no tracked attribute changes.
            node.execute("UPDATE customers SET updated_at = '2025-06-01 00:00+00' WHERE customer_id = 13");
            history.load();

            assertThat(Sql.rows(duck, "SELECT * FROM dim_customer ORDER BY customer_key"))
                    .as("dim_customer after loading the same state again, then again after customer 13's updated_at moved"
                            + " with no change to name, country or plan: unchanged (a version records a change of a"
                            + " tracked attribute, not a touch of the row)")
                    .isEqualTo(before);
            assertThat(before).as("versions: 300 customers, 2 of whom changed plan once").hasSize(302);
            assertThat(Sql.count(duck, "SELECT count(*) FROM fact_sales")).as("facts after four loads").isEqualTo(6000);
        }
    }

    @Test
    @DisplayName("two changes make three contiguous versions, and each sale falls in the right one")
    void versionsChain(PostgresNode node) throws Exception {
        try (Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"))) {
            CustomerHistory history = new CustomerHistory(node.dataSource(), duck);
            history.load();
            node.execute("UPDATE customers SET country = 'FR', updated_at = '2025-04-01 00:00+00' WHERE customer_id = 7");
            history.load();
            node.execute("UPDATE customers SET country = 'DE', plan_id = 1, updated_at = '2025-09-15 12:00+00'"
                    + " WHERE customer_id = 7");
            history.load();

            assertThat(Sql.rows(duck, VERSIONS_OF_7))
                    .as("customer 7's versions after moving to FR on 2025-04-01 and to DE (plan 1) on 2025-09-15 12:00")
                    .containsExactly("US plan 4 1970-01-01 00:00 -> 2025-04-01 00:00",
                            "FR plan 4 2025-04-01 00:00 -> 2025-09-15 12:00",
                            "DE plan 1 2025-09-15 12:00 -> 9999-12-31 00:00 current");
            Map<String, BigDecimal> expected = Sql.sums(node, "SELECT CASE WHEN ordered_at < '2025-04-01 00:00+00' THEN 'US'"
                    + " WHEN ordered_at < '2025-09-15 12:00+00' THEN 'FR' ELSE 'DE' END, count(*) FROM orders"
                    + " WHERE customer_id = 7 GROUP BY 1");
            assertThat(Sql.sums(duck, "SELECT d.country, count(*) FROM fact_sales f JOIN dim_customer d"
                    + " USING (customer_key) WHERE d.customer_id = 7 GROUP BY 1"))
                    .as("customer 7's number of sales per version (country), by when each sale happened")
                    .isEqualTo(expected);
        }
    }
}
