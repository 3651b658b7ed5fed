package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResetBetweenTestsTest {

    @Test
    @Order(1)
    @DisplayName("a test leaves tables, schemas, databases, roles, settings and statistics behind")
    void leavesThingsBehind(PostgresNode node) {
        node.execute("CREATE TABLE leftover (id int); INSERT INTO leftover VALUES (1);"
                + "CREATE SCHEMA scratch; CREATE TABLE scratch.t (id int);"
                + "CREATE ROLE reader; GRANT SELECT ON leftover TO reader");
        node.execute("CREATE DATABASE other");
        node.execute("ALTER SYSTEM SET work_mem = '77MB'");
        node.execute("SELECT pg_reload_conf()");
        node.execute("SELECT count(*) FROM leftover");
    }

    @Test
    @Order(2)
    @DisplayName("the next test finds none of it")
    void nextTestStartsClean(PostgresNode node) {
        assertThat(node.queryValue("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
                Long.class)).isZero();
        assertThat(node.queryValue("SELECT count(*) FROM pg_namespace WHERE nspname = 'scratch'", Long.class)).isZero();
        assertThat(node.queryValue("SELECT count(*) FROM pg_database WHERE datname = 'other'", Long.class)).isZero();
        assertThat(node.queryValue("SELECT count(*) FROM pg_roles WHERE rolname = 'reader'", Long.class)).isZero();
        assertThat(node.queryValue("SHOW work_mem", String.class)).isEqualTo("4MB");
        assertThat(node.statements().callsContaining("leftover")).isZero();
        assertThat(node.queryValue("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'", Long.class))
                .isEqualTo(1);
    }
}
