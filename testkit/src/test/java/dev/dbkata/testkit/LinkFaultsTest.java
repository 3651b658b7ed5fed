package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.dbkata.testkit.network.Link;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a client of one PostgreSQL server sees when the link to it is slow, cut or black-holed,
 * through the URLs and pools the node hands out.
 */
@WithPostgres
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinkFaultsTest {

    private static Connection open(String url, String options) throws SQLException {
        return DriverManager.getConnection(url + "?user=postgres&" + options);
    }

    private static long selectOneNanos(Statement statement) throws SQLException {
        long start = System.nanoTime();
        statement.execute("SELECT 1");
        return System.nanoTime() - start;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    @Test
    @Order(1)
    @DisplayName("the node hands out its link; port() stays the server's own, as inet_server_port() says")
    void addresses(PostgresNode node) throws SQLException {
        assertThat(node.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + node.linkPort() + "/postgres");
        assertThat(node.directJdbcUrl()).endsWith(":" + node.port() + "/postgres");
        assertThat(node.linkPort()).isNotEqualTo(node.port());
        try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(node.port());
        }
        assertThat(node.link().connections()).as("the pool's connection went through the link").isPositive();
        assertThat(node.link().isHealthy()).isTrue();
        assertThat(node.link().toString()).contains("clients → primary").contains("healthy");
    }

    @Test
    @Order(2)
    @DisplayName("a delay of d makes a SELECT 1 round trip about 2 × d longer (medians, alternating with a direct connection)")
    void delayGrowsTheRoundTrip(PostgresNode node) throws SQLException {
        Duration delay = Duration.ofMillis(50);
        try (Connection linked = open(node.jdbcUrl(), "socketTimeout=10");
             Connection direct = open(node.directJdbcUrl(), "socketTimeout=10");
             Statement throughLink = linked.createStatement(); Statement straight = direct.createStatement()) {
            selectOneNanos(throughLink);
            selectOneNanos(straight);
            node.link().delay(delay);
            List<Long> linkedTimes = new ArrayList<>();
            List<Long> directTimes = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                directTimes.add(selectOneNanos(straight));
                linkedTimes.add(selectOneNanos(throughLink));
            }
            Duration added = Duration.ofNanos(median(linkedTimes) - median(directTimes));
            assertThat(added).as("a round trip crosses the link twice, so it takes about 2 × %s more", delay)
                    .isGreaterThanOrEqualTo(delay.multipliedBy(2).minusMillis(2))
                    .isLessThan(delay.multipliedBy(2).plusMillis(250));
        }
    }

    @Test
    @Order(3)
    @DisplayName("cut(): a pooled connection fails on its next use, a new connection fails at once; heal() restores both")
    void cut(PostgresNode node) throws SQLException {
        try (Connection pooled = node.dataSource().getConnection(); Statement s = pooled.createStatement()) {
            s.execute("SELECT 1");
            node.link().cut();

            long start = System.nanoTime();
            assertThatThrownBy(() -> s.execute("SELECT 1"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
            assertThatThrownBy(() -> open(node.jdbcUrl(), "connectTimeout=5&loginTimeout=5"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a reset and a refusal are immediate")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(node.queryValue("SELECT 1", Integer.class)).as("the testkit's own look goes direct").isEqualTo(1);
        }
        node.link().heal();
        assertThat(node.link().isHealthy()).isTrue();
        try (Connection again = node.dataSource().getConnection(); Statement s = again.createStatement()) {
            assertThat(s.execute("SELECT 1")).isTrue();
        }
    }

    @Test
    @Order(4)
    @DisplayName("blackhole(): a call with socketTimeout=1 fails after about 1 s; a new connection is bounded by loginTimeout")
    void blackhole(PostgresNode node) throws SQLException {
        try (Connection c = open(node.jdbcUrl(), "socketTimeout=1"); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            node.link().blackhole();

            long start = System.nanoTime();
            assertThatThrownBy(() -> s.execute("SELECT 1"))
                    .isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(SocketTimeoutException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(5));

            start = System.nanoTime();
            assertThatThrownBy(() -> open(node.jdbcUrl(), "connectTimeout=1&loginTimeout=1"))
                    .as("the handshake completes (an in-JVM proxy cannot drop a SYN); the login never does")
                    .isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    @Order(5)
    @DisplayName("a link refuses at once while its server is down")
    void refusesWhileTheServerIsDown(PostgresNode node) {
        node.crash();
        long start = System.nanoTime();
        assertThatThrownBy(() -> open(node.jdbcUrl(), "connectTimeout=5&loginTimeout=5"))
                .isInstanceOf(SQLException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        node.restart();
    }

    @Test
    @Order(6)
    @DisplayName("a bad delay or bandwidth is refused with a clear message")
    void badInput(PostgresNode node) {
        Link link = node.link();
        assertThatThrownBy(() -> link.delay(Duration.ofSeconds(-1))).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> link.delay(Duration.ofMinutes(5))).hasMessageContaining("more than the 60 s");
        assertThatThrownBy(() -> link.limitBandwidth(-5)).hasMessageContaining("at least 1 byte per second");
        assertThat(link.isHealthy()).as("nothing changed").isTrue();
    }

    @Test
    @Order(7)
    @DisplayName("a test may end with a cut, slow link...")
    void leavesAFaultyLink(PostgresNode node) {
        node.link().delay(Duration.ofMillis(200)).limitBandwidth(1_000).cut();
        assertThat(node.link().isHealthy()).isFalse();
    }

    @Test
    @Order(8)
    @DisplayName("...and the next test gets a healthy one")
    void nextTestGetsAHealthyLink(PostgresNode node) throws SQLException {
        assertThat(node.link().isHealthy()).as(node.link().toString()).isTrue();
        try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement()) {
            long start = System.nanoTime();
            s.execute("SELECT 1");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no delay of 200 ms each way left").isLessThan(Duration.ofMillis(400));
        }
    }
}
