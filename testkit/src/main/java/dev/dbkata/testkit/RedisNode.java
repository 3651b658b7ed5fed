package dev.dbkata.testkit;

import dev.dbkata.testkit.backend.ServerProcess;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** One real Redis server (no persistence) and the faults a test can inflict on it. */
public final class RedisNode implements AutoCloseable {

    private final ServerProcess server;

    RedisNode(ServerProcess server) {
        this.server = server;
    }

    public String name() {
        return server.name();
    }

    public String host() {
        return server.host();
    }

    public int port() {
        return server.port();
    }

    /** {@code redis://host:port}. */
    public String uri() {
        return "redis://" + host() + ":" + port();
    }

    public HostAndPort hostAndPort() {
        return new HostAndPort(host(), port());
    }

    /**
     * A new connection with 2-second timeouts, for the test's own checks; the caller closes it.
     * Code under test should build its own client from {@link #uri()} with its own timeouts.
     */
    public Jedis client() {
        return new Jedis(hostAndPort(), DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(2_000)
                .clientName("dbkata")
                .build());
    }

    /** Kills the server: every key is gone (there is no persistence) until data is written again. */
    public void crash() {
        server.crash();
    }

    /** Suspends the server: clients hang, as in a network partition. */
    public void freeze() {
        server.freeze();
    }

    public void thaw() {
        server.thaw();
    }

    /** Starts the server again on the same port, empty; returns once it answers PING. */
    public void restart() {
        server.restart();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    public boolean isFrozen() {
        return server.isFrozen();
    }

    /**
     * Back to a fresh server: a restart, which takes milliseconds and also forgets what
     * {@code FLUSHALL} would not (CONFIG SET limits, ACL users, scripts, clients).
     */
    void reset() {
        server.restart();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return name() + " (redis, port " + port() + ")";
    }
}
