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
import dev.dbkata.testkit.backend.ServerProcess;

/**
 * One real PostgreSQL server: how to reach it, SQL helpers that prove what it saw, and the faults
 * a test can inflict on it.
 *
 * <p>Thread-safe. The pooled {@link #dataSource()} is created on first use and survives
 * {@link #restart()}: its broken connections are replaced as they are borrowed.
 */
public final class PostgresNode extends AbstractServerNode {

    static final String DATABASE = "postgres";
    static final String USER = "postgres";

    private volatile NodeRole role;
    private volatile HikariDataSource pool;
    private volatile boolean replayPaused;
    private volatile boolean promoted;

    PostgresNode(ServerProcess server, NodeRole role) {
        super(server);
        this.role = role;
    }

    /** The role it was started in; a promoted replica becomes {@link NodeRole#PRIMARY}. */
    public NodeRole role() {
        return role;
    }

    /** {@code jdbc:postgresql://host:port/postgres}; user {@code postgres}, no password. */
    public String jdbcUrl() {
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
                    pool = newPool();
                }
                existing = pool;
            }
        }
        return existing;
    }

    private HikariDataSource newPool() {
        HikariConfig config = new HikariConfig();
        config.setPoolName("dbkata-" + name() + "-" + port());
        config.setJdbcUrl(jdbcUrl());
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
        config.addDataSourceProperty("ApplicationName", "dbkata-pool");
        return new HikariDataSource(config);
    }

    /** A new, unpooled connection; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    /** Runs one or more SQL statements (separated by semicolons) and ignores any results. */
    public void execute(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + this + ": " + e.getMessage() + "\n  " + sql, e);
        }
    }

    /** The single value of the first row of {@code sql}, as {@code type}; params bind to {@code ?}. */
    public <T> T queryValue(String sql, Class<T> type, Object... params) {
        try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
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
        return new StatementStats(dataSource(), toString());
    }

    /** The plan this server chooses for {@code sql}. */
    public Plan explain(String sql, Object... params) {
        try (Connection c = dataSource().getConnection()) {
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

    /** Closes the pool, borrowed connections included; the next {@link #dataSource()} call makes a new one. */
    void replacePool() {
        HikariDataSource existing;
        synchronized (this) {
            existing = pool;
            pool = null;
        }
        if (existing != null) {
            existing.close();
        }
    }

    /** Closes the pool's connections without waiting for them to be returned. */
    void evictPooledConnections() {
        HikariDataSource existing = pool;
        if (existing != null && existing.getHikariPoolMXBean() != null) {
            existing.getHikariPoolMXBean().softEvictConnections();
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

    @Override
    public String toString() {
        return name() + " (" + role.name().toLowerCase() + ", port " + port() + ")";
    }
}
