package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsTest {

    @Test
    @DisplayName("a frozen server makes a query time out, and answers again after thaw")
    void freezeAndThaw(PostgresNode node) throws Exception {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl() + "?user=postgres&socketTimeout=1");
             Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            node.freeze();
            Instant start = Instant.now();

            assertThatThrownBy(() -> s.execute("SELECT 1")).isInstanceOf(SQLException.class);
            assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        } finally {
            node.thaw();
        }
        assertThat(node.isFrozen()).isFalse();
        assertThat(node.queryValue("SELECT 42", Integer.class)).isEqualTo(42);
    }

    @Test
    @DisplayName("new connections hang on a frozen server instead of being refused")
    void newConnectionsHangWhileFrozen(PostgresNode node) {
        node.freeze();
        try {
            Instant start = Instant.now();
            assertThatThrownBy(() -> DriverManager.getConnection(node.jdbcUrl() + "?user=postgres&connectTimeout=1&loginTimeout=1"))
                    .isInstanceOf(SQLException.class);
            assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        } finally {
            node.thaw();
        }
    }

    @Test
    @DisplayName("a crashed server refuses connections; after restart committed rows are back, on the same port")
    void crashAndRestart(PostgresNode node) {
        int port = node.port();
        node.execute("CREATE TABLE ledger (id int); INSERT INTO ledger VALUES (1), (2)");

        node.crash();

        assertThat(node.isRunning()).isFalse();
        assertThatThrownBy(() -> DriverManager.getConnection(node.jdbcUrl() + "?user=postgres&connectTimeout=1"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                        .as("SQLSTATE 08001: the client could not connect").isEqualTo("08001"));

        node.restart();

        assertThat(node.port()).isEqualTo(port);
        assertThat(node.queryValue("SELECT count(*) FROM ledger", Long.class)).isEqualTo(2);
    }

    @Test
    @Order(1)
    @DisplayName("a test that leaves its server frozen ...")
    void leavesItFrozen(PostgresNode node) {
        node.freeze();
    }

    @Test
    @Order(2)
    @DisplayName("... is followed by one that finds it thawed, and leaves it crashed ...")
    void leftFrozen(PostgresNode node) {
        assertThat(node.isFrozen()).isFalse();
        assertThat(node.queryValue("SELECT 1", Integer.class)).isEqualTo(1);
        node.crash();
    }

    @Test
    @Order(3)
    @DisplayName("... and the next finds it running again")
    void leftCrashed(PostgresNode node) {
        assertThat(node.isRunning()).isTrue();
        assertThat(node.queryValue("SELECT 1", Integer.class)).isEqualTo(1);
    }
}
