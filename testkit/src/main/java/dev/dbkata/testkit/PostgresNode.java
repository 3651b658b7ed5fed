package dev.dbkata.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbkata.testkit.backend.PostgresConfig;
import dev.dbkata.testkit.backend.ServerProcess;
import dev.dbkata.testkit.network.Link;
import dev.dbkata.testkit.network.Network;

/**
 * One real PostgreSQL server: how to reach it, SQL helpers that prove what it saw, and the faults
 * a test can inflict on it.
 *
 * <p>What it hands out ({@link #jdbcUrl()}, {@link #dataSource()}, {@link #connect()}) leads
 * through its {@link #link()}, so a test can slow, cut or black-hole the clients' path to it. Its
 * SQL helpers ({@link #execute}, {@link #queryValue}, {@link #statements()}, {@link #explain},
 * the WAL positions) connect to the server directly ({@link #directJdbcUrl()}): they tell what
 * the server saw even while its link is faulty.
 *
 * <p>Thread-safe. The pooled {@link #dataSource()} is created on first use and survives
 * {@link #restart()}: its broken connections are replaced as they are borrowed.
 */
public final class PostgresNode extends AbstractServerNode {

    static final String DATABASE = "postgres";
    static final String USER = "postgres";

    private volatile NodeRole role;
    private volatile HikariDataSource pool;
    private volatile HikariDataSource directPool;
    private volatile Link replicationLink;
    private volatile boolean replayPaused;
    private volatile boolean promoted;

    PostgresNode(ServerProcess server, NodeRole role, Network network) {
        super(server, network);
        this.role = role;
    }

    /** The role it was started in; a promoted replica becomes {@link NodeRole#PRIMARY}. */
    public NodeRole role() {
        return role;
    }

    /** {@code jdbc:postgresql://host:port/postgres} of the node's {@link #link()}; user {@code postgres}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + linkHost() + ":" + linkPort() + "/" + DATABASE;
    }

    /** The server's own URL, bypassing {@link #link()}: for looks that must not suffer a link's fault. */
    public String directJdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    /**
     * A small connection pool (HikariCP, at most 10 connections) for this server. Getting a
     * connection gives up after 5 s and a query after 30 s without an answer, so a frozen server
     * fails a test instead of hanging it. Between tests that reset data the pool is replaced:
     * take it from the node in each test rather than keeping it across tests.
     */
    public DataSource dataSource() {
        HikariDataSource existing = pool;
        if (existing == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = newPool("dbkata-" + name() + "-" + linkPort(), jdbcUrl(), "dbkata-pool");
                }
                existing = pool;
            }
        }
        return existing;
    }

    /** The pool of the helpers: straight to the server, whatever its link does. */
    private DataSource direct() {
        HikariDataSource existing = directPool;
        if (existing == null) {
            synchronized (this) {
                if (directPool == null) {
                    directPool = newPool("dbkata-direct-" + name() + "-" + port(), directJdbcUrl(),
                            PostgresConfig.TESTKIT_APPLICATION);
                }
                existing = directPool;
            }
        }
        return existing;
    }

    private static HikariDataSource newPool(String name, String url, String applicationName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(USER);
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        // No connection is made when the pool is built: a test may build it before crashing the server.
        config.setInitializationFailTimeout(-1);
        // Names the culprit when a test borrows connections and never returns them.
        config.setLeakDetectionThreshold(20_000);
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("ApplicationName", applicationName);
        return new HikariDataSource(config);
    }

    /** A new, unpooled connection through {@link #link()}; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect(jdbcUrl());
    }

    /** A new connection straight to the server, for the testkit's own work (left out of what a test's code sent). */
    Connection connectDirect() throws SQLException {
        return connect(directJdbcUrl(), PostgresConfig.TESTKIT_APPLICATION);
    }

    private static Connection connect(String url) throws SQLException {
        return connect(url, null);
    }

    private static Connection connect(String url, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "5");
        if (applicationName != null) {
            props.setProperty("ApplicationName", applicationName);
        }
        return DriverManager.getConnection(url, props);
    }

    /** Runs one or more SQL statements (separated by semicolons) and ignores any results. */
    public void execute(String sql) {
        try (Connection c = direct().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + this + ": " + e.getMessage() + "\n  " + sql, e);
        }
    }

    /** The single value of the first row of {@code sql}, as {@code type}; params bind to {@code ?}. */
    public <T> T queryValue(String sql, Class<T> type, Object... params) {
        try (Connection c = direct().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No row from " + this + " for: " + sql);
                }
                return rs.getObject(1, type);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + this + ": " + e.getMessage() + "\n  " + sql, e);
        }
    }

    /** Runs a SQL file from the classpath (such as {@code /schema.sql}), dollar quotes and all. */
    public void runScript(String classpathResource) {
        String path = classpathResource.startsWith("/") ? classpathResource.substring(1) : classpathResource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("No SQL script " + classpathResource + " on the classpath");
            }
            execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Could not read " + classpathResource + ": " + e.getMessage(), e);
        }
    }

    /** The statements this server executed, from {@code pg_stat_statements}. */
    public StatementStats statements() {
        return new StatementStats(direct(), toString());
    }

    /** The plan this server chooses for {@code sql}. */
    public Plan explain(String sql, Object... params) {
        try (Connection c = direct().getConnection()) {
            return Plan.explain(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException("EXPLAIN failed on " + this + ": " + e.getMessage() + "\n  " + sql, e);
        }
    }

    /** Whether the server says it is a standby right now ({@code pg_is_in_recovery()}). */
    public boolean isInRecovery() {
        return queryValue("/* dbkata */ SELECT pg_is_in_recovery()", Boolean.class);
    }

    /**
     * How far this server's WAL goes: on a primary the current write position, on a replica the
     * position it has replayed up to.
     */
    public Lsn walPosition() {
        return Lsn.parse(queryValue("/* dbkata */ SELECT CASE WHEN pg_is_in_recovery()"
                + " THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text", String.class));
    }

    /** On a replica: the WAL position received from the primary, replayed or not. */
    public Lsn receivedPosition() {
        requireReplica("receivedPosition");
        return Lsn.parse(queryValue("/* dbkata */ SELECT pg_last_wal_receive_lsn()::text", String.class));
    }

    /**
     * On a replica: stops applying WAL. It keeps receiving WAL, but queries see the data as of
     * the pause until {@link #resumeReplay()}: replication lag made to order.
     */
    public void pauseReplay() {
        requireReplica("pauseReplay");
        execute("/* dbkata */ SELECT pg_wal_replay_pause()");
        // From PostgreSQL 14 a pause is a request: no record is applied after it, but the state
        // reads 'paused' only once the next record arrives.
        Waits.until(name() + " to accept the replay pause", Duration.ofSeconds(10),
                () -> queryValue("/* dbkata */ SELECT pg_get_wal_replay_pause_state()", String.class),
                state -> !state.equals("not paused"));
        replayPaused = true;
    }

    public void resumeReplay() {
        requireReplica("resumeReplay");
        execute("/* dbkata */ SELECT pg_wal_replay_resume()");
        replayPaused = false;
    }

    /** Whether replay is paused on this replica, by the testkit or by anyone's SQL. */
    public boolean isReplayPaused() {
        if (role != NodeRole.REPLICA || !isRunning() || isFrozen()) {
            return replayPaused;
        }
        return !queryValue("/* dbkata */ SELECT CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state()"
                + " ELSE 'not paused' END", String.class).equals("not paused");
    }

    /** Turns this replica into a primary that takes writes; returns once it does. */
    public void promote() {
        requireReplica("promote");
        Boolean done = queryValue("/* dbkata */ SELECT pg_promote(true, 60)", Boolean.class);
        if (!Boolean.TRUE.equals(done)) {
            throw new IllegalStateException(name() + " did not finish promotion within 60 s");
        }
        role = NodeRole.PRIMARY;
        replayPaused = false;
        promoted = true;
    }

    /**
     * After {@link #crash()} or {@link #restart()}: the pool's connections died with the server;
     * drop them rather than hand them out later. (A crash is PostgreSQL's immediate shutdown: the
     * next start runs crash recovery, as after a power cut.)
     */
    @Override
    void afterRestartOrCrash() {
        evictPooledConnections();
    }

    boolean wasPromoted() {
        return promoted;
    }

    /** Closes the pools, borrowed connections included; the next use makes new ones. */
    void replacePool() {
        HikariDataSource existing;
        HikariDataSource existingDirect;
        synchronized (this) {
            existing = pool;
            existingDirect = directPool;
            pool = null;
            directPool = null;
        }
        for (HikariDataSource old : new HikariDataSource[] {existing, existingDirect}) {
            if (old != null) {
                old.close();
            }
        }
    }

    /** Closes the pools' connections without waiting for them to be returned. */
    void evictPooledConnections() {
        for (HikariDataSource existing : new HikariDataSource[] {pool, directPool}) {
            if (existing != null && existing.getHikariPoolMXBean() != null) {
                existing.getHikariPoolMXBean().softEvictConnections();
            }
        }
    }

    private void requireReplica(String operation) {
        if (role != NodeRole.REPLICA) {
            throw new IllegalStateException(operation + "() needs a replica, but " + name() + " is " + role);
        }
    }

    /** Stops the server for good and deletes its data. */
    @Override
    public void close() {
        replacePool();
        super.close();
    }

    /**
     * On a replica: the link its WAL streams through, from the replica to its primary. Cut it
     * and the replica stops receiving while clients still reach both; black-hole it and a
     * synchronous commit waits.
     */
    public Link replicationLink() {
        Link link = replicationLink;
        if (link == null) {
            throw new IllegalStateException("replicationLink() needs a streaming replica, but " + name() + " is " + role
                    + (role == NodeRole.REPLICA ? " without one" : ""));
        }
        return link;
    }

    /**
     * Points this replica's {@code primary_conninfo} at {@code link} and reloads; PostgreSQL 17
     * restarts its WAL receiver on the new setting without a server restart. Returns at once:
     * {@link #awaitStreamingThrough} waits.
     *
     * @param conninfo the connection string leading to the link, as this server reaches it
     */
    void streamThrough(Link link, String conninfo) {
        this.replicationLink = link;
        execute("/* dbkata */ ALTER SYSTEM SET primary_conninfo = " + PostgresConfig.quote(conninfo));
        execute("/* dbkata */ SELECT pg_reload_conf()");
    }

    /** Waits until this replica's WAL receiver streams through its replication link. */
    void awaitStreamingThrough(Duration atMost) {
        int linkPort = replicationLink().port();
        Waits.until(name() + " to stream through " + replicationLink(), atMost,
                () -> queryValue("/* dbkata */ SELECT count(*) FROM pg_stat_wal_receiver"
                        + " WHERE status = 'streaming' AND sender_port = ?", Long.class, linkPort),
                count -> count == 1);
    }

    /**
     * On a replica: streams from {@code newPrimary} from now on, typically a replica promoted
     * after the old primary was lost. The replica's replication link is re-pointed at the new
     * primary and its {@code primary_conninfo} rewritten and reloaded (no restart); returns once
     * it streams on the new primary's timeline.
     *
     * @throws IllegalStateException when this replica has already replayed WAL past the point
     *         where {@code newPrimary}'s timeline branched off: its data then differs from the new
     *         primary's history, and only {@code pg_rewind} (not in the kata's PostgreSQL bundle)
     *         or a new base backup could bring it back. Between tests the extension then starts a
     *         fresh cluster.
     */
    public void follow(PostgresNode newPrimary) {
        requireReplica("follow");
        java.util.Objects.requireNonNull(newPrimary, "newPrimary");
        if (newPrimary == this) {
            throw new IllegalArgumentException(name() + " cannot follow itself");
        }
        if (newPrimary.isInRecovery()) {
            throw new IllegalStateException(name() + " can only follow a primary, but " + newPrimary.name()
                    + " is still in recovery: promote it first");
        }
        Link link = replicationLink();
        Timelines.Branch branch = Timelines.branchOf(newPrimary, timeline());
        Lsn replayed = replayedUpTo();
        if (branch.switchPoint() != null && !branch.switchPoint().isAtLeast(replayed)) {
            throw new IllegalStateException(name() + " has replayed WAL up to " + replayed + ", past " + branch.switchPoint()
                    + " where " + newPrimary.name() + "'s timeline " + branch.newTimeline() + " branched off timeline "
                    + branch.oldTimeline() + ": its data holds writes the new primary never saw. Following would need"
                    + " pg_rewind, which the kata's PostgreSQL bundle does not have; a fresh cluster is the way back"
                    + " (the extension starts one before the next test).");
        }
        link.retarget(new java.net.InetSocketAddress(newPrimary.host(), newPrimary.port()));
        execute("/* dbkata */ SELECT pg_reload_conf()");
        Waits.until(name() + " to stream from " + newPrimary.name() + " on timeline " + branch.newTimeline(),
                Duration.ofSeconds(30),
                () -> queryValue("/* dbkata */ SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"
                        + " AND received_tli = ?", Long.class, branch.newTimeline()),
                count -> count == 1);
    }

    /** The timeline this server is on: a primary's current one, a standby's replay timeline. */
    int timeline() {
        return queryValue("/* dbkata */ SELECT CASE WHEN pg_is_in_recovery()"
                + " THEN (SELECT COALESCE((SELECT received_tli FROM pg_stat_wal_receiver), timeline_id) FROM pg_control_checkpoint())"
                + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END", Integer.class);
    }

    /** How far a standby's data goes: what it replayed, or further if a restart must first reach more. */
    private Lsn replayedUpTo() {
        return Lsn.parse(queryValue("/* dbkata */ SELECT GREATEST(pg_last_wal_replay_lsn(), "
                + "(SELECT min_recovery_end_lsn FROM pg_control_recovery()))::text", String.class));
    }

    @Override
    void healLinks() {
        super.healLinks();
        Link link = replicationLink;
        if (link != null) {
            link.heal();
        }
    }

    @Override
    public String toString() {
        return name() + " (" + role.name().toLowerCase() + ", port " + port() + ")";
    }
}
