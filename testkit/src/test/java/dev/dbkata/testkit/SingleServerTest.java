package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithPostgres(settings = "work_mem=8MB", reset = Reset.BEFORE_EACH_TEST)
class SingleServerTest {

    @Test
    @DisplayName("a single server is PostgreSQL 17, writable, and runs with the kata's settings")
    void runsPostgres17WithKataSettings(PostgresNode node) {
        assertThat(node.role()).isEqualTo(NodeRole.STANDALONE);
        assertThat(node.queryValue("SHOW server_version_num", String.class)).startsWith("17");
        assertThat(node.isInRecovery()).isFalse();
        assertThat(node.queryValue("SHOW shared_preload_libraries", String.class)).contains("pg_stat_statements");
        assertThat(node.queryValue("SHOW synchronous_commit", String.class))
                .as("zonky's launcher turns this off; the testkit must not")
                .isEqualTo("on");
        assertThat(node.queryValue("SHOW work_mem", String.class)).isEqualTo("8MB");
    }

    @Test
    @DisplayName("ALTER SYSTEM takes effect, because settings are not forced on the command line")
    void alterSystemWorks(PostgresNode node) {
        node.execute("ALTER SYSTEM SET work_mem = '32MB'");
        node.execute("SELECT pg_reload_conf()");

        Waits.until("work_mem to read 32MB after the reload", java.time.Duration.ofSeconds(5),
                () -> node.queryValue("SHOW work_mem", String.class), "32MB"::equals);
    }

    @Test
    @DisplayName("pg_stat_statements counts what the server ran")
    void countsStatements(PostgresNode node) throws Exception {
        node.execute("CREATE TABLE item (id int PRIMARY KEY, name text)");
        node.statements().reset();

        try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < 7; i++) {
                s.executeQuery("SELECT name FROM item WHERE id = " + i).close();
            }
        }

        assertThat(node.statements().callsContaining("from item where id")).isEqualTo(7);
        assertThat(node.statements().selectCalls()).isEqualTo(7);
    }

    @Test
    @DisplayName("EXPLAIN (FORMAT JSON) tells which relation a query scans and how")
    void explainsPlans(PostgresNode node) {
        node.execute("CREATE TABLE item (id int PRIMARY KEY, name text);"
                + "INSERT INTO item SELECT g, 'n' || g FROM generate_series(1, 10000) g; ANALYZE item");

        Plan byKey = node.explain("SELECT name FROM item WHERE id = ?", 42);
        Plan whole = node.explain("SELECT count(*) FROM item WHERE name LIKE 'n1%'");

        assertThat(byKey.scannedRelations()).containsExactly("item");
        assertThat(byKey.nodeTypes()).contains("Index Scan");
        assertThat(whole.nodeTypes()).contains("Seq Scan");
    }

    @Test
    @DisplayName("a connection tells which server serves it")
    void servingNodeComesFromTheServer(PostgresNode node) throws Exception {
        ServingNode serving = ServingNode.of(node.dataSource());

        assertThat(serving.port()).isEqualTo(node.port());
        assertThat(serving.isPrimary()).isTrue();
    }

    @Test
    @DisplayName("SQL scripts from the classpath run whole, dollar quotes included")
    void runsScripts(PostgresNode node) {
        node.runScript("/fixtures/functions.sql");

        assertThat(node.queryValue("SELECT twice(21)", Integer.class)).isEqualTo(42);
        try (Connection c = node.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM greeting")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
