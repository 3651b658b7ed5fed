package dev.dbkata.testkit.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The proxy under PostgreSQL's wire protocol, on a link of its own (not the node's): the protocol
 * survives jitter, a bandwidth limit and a black hole that is healed mid-query.
 */
@WithPostgres
class LinkToPostgresTest {

    private static final String CHECKSUM = "SELECT md5(string_agg(g::text || repeat('x', 40), ',' ORDER BY g)) "
            + "FROM generate_series(1, 50000) g";

    private Network network;
    private final ExecutorService queries = TestThreads.single("link-to-postgres-query");

    @BeforeEach
    void open() {
        network = Network.open();
    }

    @AfterEach
    void close() throws InterruptedException {
        network.close();
        queries.shutdownNow();
        queries.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static Connection connect(Link link, int socketTimeoutSeconds) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        props.setProperty("loginTimeout", "10");
        props.setProperty("ApplicationName", "blackholed");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + link.port() + "/postgres", props);
    }

    private static String checksum(Connection connection) throws Exception {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(g::text || repeat('x', 40), ',' ORDER BY g) "
                     + "FROM generate_series(1, 50000) g")) {
            rs.next();
            String all = rs.getString(1);
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(all.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Test
    @DisplayName("2 MB of result arrive intact through jitter and a bandwidth limit")
    void protocolSurvivesJitterAndPacing(PostgresNode node) throws Exception {
        Link link = network.link("test → " + node.name(), new InetSocketAddress(node.host(), node.port()));
        String expected = node.queryValue(CHECKSUM, String.class);

        link.delay(Duration.ofMillis(2), Duration.ofMillis(2)).limitBandwidth(20_000_000);
        try (Connection c = connect(link, 30)) {
            assertThat(checksum(c)).as("the client's checksum of what it received").isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("a query sent into a black hole completes, intact, once the link heals")
    void blackholedQueryResumes(PostgresNode node) throws Exception {
        Link link = network.link("test → " + node.name(), new InetSocketAddress(node.host(), node.port()));
        String expected = node.queryValue(CHECKSUM, String.class);
        try (Connection c = connect(link, 30)) {
            link.blackhole();
            Future<String> answer = queries.submit(() -> checksum(c));

            assertThatThrownBy(() -> answer.get(300, TimeUnit.MILLISECONDS))
                    .as("an answer arrived through a black hole").isInstanceOf(TimeoutException.class);
            assertThat(node.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'blackholed' "
                    + "AND state = 'idle'", Long.class))
                    .as("the link holds the query back: the server never saw it").isEqualTo(1L);

            link.heal();
            assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(expected);
        }
    }
}
