package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What the database saw: a failing test's statements, read from real servers' logs, per node in
 * order, the testkit's own sessions and the test's {@code @BeforeEach} left out.
 */
class ObservedSqlTest {

    /** A client as a learner's code would open one: through the node's link, with an application name of its own. */
    static Connection learner(PostgresNode node) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", node.user());
        props.setProperty("ApplicationName", "orders-app");
        return DriverManager.getConnection(node.jdbcUrl(), props);
    }

    @WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
    static class FailingOnACluster {
        @BeforeEach
        void setUp(PostgresCluster cluster) throws SQLException {
            cluster.primary().execute("CREATE TABLE product (id int PRIMARY KEY, name text)");
            try (Connection c = learner(cluster.primary()); Statement s = c.createStatement()) {
                s.execute("SELECT 'set up before the test'");
            }
            cluster.awaitReplicasCaughtUp();
        }

        @Test
        void fails(PostgresCluster cluster) throws SQLException {
            try (Connection c = learner(cluster.primary()); Statement s = c.createStatement()) {
                s.execute("INSERT INTO product VALUES (1, 'lamp')");
                try (PreparedStatement p = c.prepareStatement("SELECT name FROM product WHERE id = ?")) {
                    p.setInt(1, 7);
                    p.executeQuery().close();
                }
                // The testkit's own query, between the learner's: left out.
                cluster.primary().queryValue("SELECT 'testkit marker'", String.class);
                s.execute("SELECT id,\n       name\n  FROM product");
                try {
                    s.execute("SELECT * FROM no_such_table");
                } catch (SQLException expected) {
                    // the log shows it failed
                }
            }
            try (Connection c = learner(cluster.replica(1)); Statement s = c.createStatement()) {
                s.execute("SELECT count(*) FROM product");
            }
            throw new AssertionError("the reads went to the wrong node");
        }

        @Test
        void passes(PostgresCluster cluster) throws SQLException {
            try (Connection c = learner(cluster.primary()); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
        }
    }

    @WithPostgres
    static class SendsMany {
        @Test
        void fails(PostgresNode node) throws SQLException {
            try (Connection c = learner(node); Statement s = c.createStatement()) {
                for (int i = 1; i <= 40; i++) {
                    s.execute("SELECT " + i);
                }
            }
            throw new AssertionError("too many");
        }
    }

    record Seen(String node, String role, String sql) {
    }

    static List<List<Seen>> observedOf(Class<?> testClass) {
        List<List<Seen>> published = new ArrayList<>();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass))
                .configurationParameter(DatabaseExtension.PRINT_OBSERVED, "false")
                .execute().allEvents().reportingEntryPublished().stream()
                .map(event -> event.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs())
                .filter(entry -> entry.containsKey(ObservedSql.ENTRY_PREFIX + "count"))
                .forEach(entry -> published.add(seen(entry)));
        return published;
    }

    private static List<Seen> seen(Map<String, String> entry) {
        int count = Integer.parseInt(entry.get(ObservedSql.ENTRY_PREFIX + "count"));
        List<Seen> seen = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String key = ObservedSql.ENTRY_PREFIX + i + ".";
            seen.add(new Seen(entry.get(key + "node"), entry.get(key + "role"), entry.get(key + "sql")));
        }
        return seen;
    }

    @Test
    @DisplayName("a failing test shows the statements its code sent, per node in order with the node's role;"
            + " the testkit's own and the @BeforeEach's are left out; a node that saw none says so;"
            + " a passing test shows nothing")
    void failingTestShowsWhatEachNodeSaw() {
        List<List<Seen>> published = observedOf(FailingOnACluster.class);

        assertThat(published).as("one entry, from the failing test only").hasSize(1);
        assertThat(published.get(0)).containsExactly(
                new Seen("primary", "primary", "INSERT INTO product VALUES (1, 'lamp')"),
                new Seen("primary", "primary", "SELECT name FROM product WHERE id = $1\n-- parameters: $1 = '7'"),
                new Seen("primary", "primary", "SELECT id,\n       name\n  FROM product"),
                new Seen("primary", "primary", "SELECT * FROM no_such_table\n"
                        + "-- failed: ERROR: relation \"no_such_table\" does not exist at character 15"),
                new Seen("replica1", "replica", "SELECT count(*) FROM product"),
                new Seen("replica2", "replica", ObservedSql.NOTHING));
    }

    @Test
    @DisplayName("only the last 30 statements are kept, after a line that says how many were left out")
    void keepsTheLastThirty() {
        List<List<Seen>> published = observedOf(SendsMany.class);

        assertThat(published).hasSize(1);
        List<Seen> seen = published.get(0);
        assertThat(seen).hasSize(31);
        assertThat(seen.get(0)).isEqualTo(new Seen("primary", "standalone", "-- 10 earlier statements on primary left out"));
        assertThat(seen.get(1).sql()).isEqualTo("SELECT 11");
        assertThat(seen.get(30).sql()).isEqualTo("SELECT 40");
    }
}
