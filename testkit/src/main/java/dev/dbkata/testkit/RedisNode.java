package dev.dbkata.testkit;

import dev.dbkata.testkit.backend.ServerProcess;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * One real Redis server (no persistence) and the faults a test can inflict on it. Without
 * persistence a crash loses every key: a restarted Redis is empty.
 */
public final class RedisNode extends AbstractServerNode {

    RedisNode(ServerProcess server) {
        super(server);
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

    /**
     * Back to a fresh server: a restart, which takes milliseconds and also forgets what
     * {@code FLUSHALL} would not (CONFIG SET limits, ACL users, scripts, clients).
     */
    void reset() {
        restart();
    }

    @Override
    public String toString() {
        return name() + " (redis, port " + port() + ")";
    }
}
