package dev.dbkata.fundamentals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Waits;

/**
 * Sessions of the app role that the test drives to set up a situation (a lock held, a statement
 * that waits) and holds while the diagnosis looks. Statements that block run on this object's own
 * threads; closing ends every session on the server (pg_terminate_backend) and then the threads.
 */
final class Sessions implements AutoCloseable {

    /** One server session: its connection and its server process id. */
    record Session(Connection connection, int pid) {
    }

    private final PostgresNode node;
    private final List<Session> opened = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "situation-session");
        t.setDaemon(true);
        return t;
    });

    Sessions(PostgresNode node) {
        this.node = node;
    }

    Session open(String applicationName) throws SQLException {
        Connection c = AppRole.connect(node, applicationName);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            Session session = new Session(c, rs.getInt(1));
            synchronized (opened) {
                opened.add(session);
            }
            return session;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** Runs {@code sql} in the session on a thread of its own; it may block as long as the test wants. */
    Future<?> start(Session session, String sql) {
        return threads.submit(() -> {
            try (Statement s = session.connection().createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    /** Runs {@code sql} in the session now, and returns when it is done. */
    static void run(Session session, String sql) throws SQLException {
        try (Statement s = session.connection().createStatement()) {
            s.execute(sql);
        }
    }

    /** Waits until the session shows {@code waitEvent} in pg_stat_activity (such as PgSleep, or a lock's). */
    void awaitWaitEvent(Session session, String waitEventType, String what) {
        Waits.until(what, Duration.ofSeconds(10), () -> node.queryValue(
                "SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE pid = ?", String.class, session.pid()),
                waitEventType::equals);
    }

    @Override
    public void close() {
        List<Session> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
        }
        for (Session s : all) {
            node.queryValue("SELECT pg_terminate_backend(?, 5000)", Boolean.class, s.pid());
        }
        for (Session s : all) {
            try {
                s.connection().close();
            } catch (SQLException ignored) {
                // The server ended it already.
            }
        }
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a situation's session thread did not end within 10 s");
            }
        } catch (InterruptedException e) {
            // close() throws no InterruptedException (javac's -Xlint:try): keep the interrupt, say why.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a situation's session threads were ending", e);
        }
    }
}
