package dev.dbkata.loadbalancing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Task tcp-balancer: a layer-4 balancer in front of an unmodified JDBC client. The client connects
 * to the balancer's port as if it were PostgreSQL; the servers' pg_stat_activity shows where each
 * session really went.
 *
 * Rejects:
 * - a balancer that sends every connection to one server, or ignores how many each has;
 * - one that keeps sending new connections to a dead server (least connections loves a dead
 *   server: it has none), so a new client fails;
 * - one that fails every session when one server dies, instead of only the sessions on it, or that
 *   leaves the dead server's clients open, waiting for answers that never come;
 * - a cancel request forwarded like a new connection (to whichever server has the fewest): it
 *   reaches a server that does not run the query, which ignores it, and the query runs on;
 * - a close() that leaves forwarded connections open (the servers keep the sessions), leaks its
 *   sockets, or leaves its thread running.
 */
@Task(id = "tcp-balancer", title = "A TCP balancer for PostgreSQL", points = 5)
@WithPostgresCluster(replicas = 3)
@ExtendWith(TestThreads.Extension.class)
class TcpBalancerTest {

    private static final String CLIENT = "dbkata-tcp-client";

    @Test
    @DisplayName("six clients are spread two per replica, by the replicas' own pg_stat_activity")
    void connectionsAreSpreadByLeastConnections(PostgresCluster cluster) throws Exception {
        Replicas replicas = new Replicas(cluster);
        List<Connection> clients = new ArrayList<>();
        try (TcpBalancer balancer = new TcpBalancer(replicas.servers(), Duration.ofSeconds(30))) {
            for (int i = 0; i < 6; i++) {
                Connection c = connect(balancer);
                clients.add(c);
                assertThat(Replicas.askPort(c)).as("a client through the balancer reaches a replica")
                        .isIn(replicas.all().stream().map(PostgresNode::port).toList());
            }
            Map<String, Long> sessions = replicas.sessions(CLIENT);
            assertThat(sessions.values()).as("six connections, least connections first: two per replica, by"
                    + " pg_stat_activity (%s)", Replicas.describe(sessions)).containsOnly(2L);
        } finally {
            closeAll(clients);
        }
    }

    @Test
    @DisplayName("a replica killed mid-session fails only its own sessions, and new clients avoid it")
    void deadReplicaFailsOnlyItsSessions(PostgresCluster cluster) throws Exception {
        Replicas replicas = new Replicas(cluster);
        PostgresNode replica2 = replicas.replica(2);
        List<Connection> clients = new ArrayList<>();
        try (TcpBalancer balancer = new TcpBalancer(replicas.servers(), Duration.ofSeconds(30))) {
            Map<Connection, String> where = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                Connection c = connect(balancer, 5);
                clients.add(c);
                where.put(c, replicas.nameOf(Replicas.askPort(c)));
            }
            assertThat(Set.copyOf(where.values())).as("three clients, one per replica").hasSize(3);

            replica2.crash();

            for (Map.Entry<Connection, String> client : where.entrySet()) {
                Throwable failure = catchThrowable(() -> Replicas.askPort(client.getKey()));
                if (client.getValue().equals("replica2")) {
                    assertThat(failure).as("the session on the killed replica2 fails").isInstanceOf(SQLException.class);
                    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                        assertThat(cause).as("the session on the killed replica2 must fail because the balancer"
                                + " closed the client's connection when replica2's ended; instead the client gave up"
                                + " after its own socket timeout: the balancer kept it open, waiting for a server"
                                + " that is gone").isNotInstanceOf(java.net.SocketTimeoutException.class);
                    }
                } else {
                    assertThat(failure).as("the session on %s must go on: only replica2 died", client.getValue())
                            .isNull();
                }
            }
            List<String> newcomers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Connection c;
                try {
                    c = connect(balancer);
                } catch (SQLException e) {
                    throw new AssertionError("a new client failed to connect (" + e.getMessage() + "): the balancer"
                            + " sent it to the dead replica2 (it has the fewest connections: none) instead of to a"
                            + " live one", e);
                }
                clients.add(c);
                newcomers.add(replicas.nameOf(Replicas.askPort(c)));
            }
            assertThat(newcomers).as("new clients must reach live replicas").doesNotContain("replica2");
        } finally {
            closeAll(clients);
        }
    }

    @Test
    @DisplayName("Statement.cancel() through the balancer stops the query on the server that runs it")
    void cancelReachesTheRightServer(PostgresCluster cluster, TestThreads threads) throws Exception {
        Replicas replicas = new Replicas(cluster);
        List<Connection> clients = new ArrayList<>();
        try (TcpBalancer balancer = new TcpBalancer(replicas.servers(), Duration.ofSeconds(30))) {
            Map<String, List<Connection>> onReplica = new java.util.TreeMap<>();
            for (int i = 0; i < 5; i++) {
                Connection c = connect(balancer);
                clients.add(c);
                onReplica.computeIfAbsent(replicas.nameOf(Replicas.askPort(c)), k -> new ArrayList<>()).add(c);
            }
            Map<String, Long> sessions = replicas.sessions(CLIENT);
            assertThat(sessions.values()).as("five connections, least connections first: two, two and one, by"
                    + " pg_stat_activity (%s)", Replicas.describe(sessions)).containsExactlyInAnyOrder(2L, 2L, 1L);
            String fewest = sessions.entrySet().stream().filter(e -> e.getValue() == 1L).findFirst().orElseThrow()
                    .getKey();
            // A cancel request routed like a new connection goes to `fewest` (the only replica with one session),
            // which runs no query: each query below runs on one of the other two.
            for (String busy : onReplica.keySet().stream().filter(n -> !n.equals(fewest)).toList()) {
                Statement s = onReplica.get(busy).get(0).createStatement();
                CompletableFuture<String> query = threads.supply(() -> {
                    try {
                        s.execute("SELECT pg_sleep(60)");
                        return "finished";
                    } catch (SQLException e) {
                        return e.getSQLState();
                    }
                });
                Waits.until(busy + " to run the client's pg_sleep", Duration.ofSeconds(10),
                        () -> sleeping(replicas).get(busy) == 1);

                s.cancel();

                String outcome;
                try {
                    outcome = query.get(8, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the query on " + busy + " still runs 8 s after its cancel: the cancel"
                            + " request (a new connection carrying the session's process id and secret key) must go"
                            + " to the server that runs that session, which the balancer learns from the server's"
                            + " BackendKeyData, not to the one with the fewest connections (" + fewest + "); still"
                            + " sleeping: " + sleeping(replicas));
                }
                assertThat(outcome).as("a cancelled query fails with query_canceled (57014)").isEqualTo("57014");
                assertThat(sleeping(replicas).values()).as("no replica still runs a cancelled pg_sleep")
                        .containsOnly(0L);
            }
        } finally {
            closeAll(clients);
            // A query whose cancel went astray sleeps on after its client left: end it, so that it does not
            // count as a session in the next test.
            for (PostgresNode r : replicas.all()) {
                r.execute("/* dbkata */ SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                        + " WHERE application_name = '" + CLIENT + "'");
            }
        }
    }

    @Test
    @DisplayName("close() ends every forwarded session, frees its sockets and stops its threads")
    void closeLeavesNothingBehind(PostgresCluster cluster) throws Exception {
        Replicas replicas = new Replicas(cluster);
        replicas.sessions(CLIENT);   // the testkit's own pool is open before the snapshot
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        Set<Integer> backendPorts = replicas.servers().stream().map(Server::port).collect(Collectors.toSet());
        List<Connection> clients = new ArrayList<>();
        TcpBalancer balancer = new TcpBalancer(replicas.servers(), Duration.ofSeconds(30));
        int port = balancer.port();
        try {
            for (int i = 0; i < 3; i++) {
                Connection c = connect(balancer);
                clients.add(c);
                Replicas.askPort(c);
            }
            if (OpenSockets.supported()) {
                assertThat(OpenSockets.matching(p -> p == port, backendPorts::contains))
                        .as("while open, the balancer holds its port, 3 client and 3 server sockets").hasSize(7);
            }
        } finally {
            balancer.close();
        }

        for (Connection c : clients) {
            assertThat(catchThrowable(() -> Replicas.askPort(c)))
                    .as("after close() a forwarded session must be closed: the client's next query fails")
                    .isInstanceOf(SQLException.class);
        }
        Waits.until("the replicas to see the balancer's sessions end", Duration.ofSeconds(5),
                () -> replicas.sessions(CLIENT).values().stream().allMatch(n -> n == 0));
        assertThat(catchThrowable(() -> connect(balancer))).as("after close() the balancer's port refuses clients")
                .isInstanceOf(SQLException.class);
        closeAll(clients);
        if (OpenSockets.supported()) {
            assertThat(OpenSockets.matching(p -> p == port, backendPorts::contains))
                    .as("after close() the balancer holds no socket: not its port, no client or server connection")
                    .isEmpty();
        }
        Waits.until("the balancer's threads to end after close() (threads started since it was created)",
                Duration.ofSeconds(5), () -> newThreads(before), List::isEmpty);
    }

    /** Threads started since {@code before} and still alive, leaving out the driver's, the pools' and the wait's own. */
    static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .filter(n -> !n.startsWith("PostgreSQL-JDBC") && !n.startsWith("HikariPool") && !n.startsWith("dbkata")
                        && !n.startsWith("awaitility") && !n.startsWith("junit-timeout"))
                .toList();
    }

    private static Map<String, Long> sleeping(Replicas replicas) {
        Map<String, Long> seen = new java.util.LinkedHashMap<>();
        for (PostgresNode r : replicas.all()) {
            seen.put(r.name(), r.queryValue("/* dbkata */ SELECT count(*) FROM pg_stat_activity WHERE application_name"
                    + " = ? AND state = 'active' AND query LIKE '%pg_sleep%'", Long.class, CLIENT));
        }
        return seen;
    }

    /** An unmodified pgjdbc client pointed at the balancer (sslmode left at its default). */
    private static Connection connect(TcpBalancer balancer) throws SQLException {
        return connect(balancer, 20);
    }

    /** The same, giving up on an answer after {@code socketTimeoutSeconds}. */
    private static Connection connect(TcpBalancer balancer, int socketTimeoutSeconds) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("ApplicationName", CLIENT);
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "5");
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + balancer.port() + "/postgres", props);
    }

    private static void closeAll(List<Connection> clients) {
        for (Connection c : clients) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }
}
