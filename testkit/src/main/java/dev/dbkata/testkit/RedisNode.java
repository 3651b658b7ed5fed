package dev.dbkata.testkit;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.ServerProcess;
import dev.dbkata.testkit.network.Network;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * One real Redis server (no persistence) and the faults a test can inflict on it. Without
 * persistence a crash loses every key: a restarted Redis is empty.
 */
public final class RedisNode extends AbstractServerNode {

    RedisNode(ServerProcess server, Network network) {
        super(server, network);
    }

    /** Starts a server and its link; a server whose link cannot be made is stopped again. */
    static RedisNode start(Backend backend, String name, Network network) {
        ServerProcess server = backend.startRedis(name);
        try {
            return new RedisNode(server, network);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code redis://host:port} of the node's {@link #link()}. */
    public String uri() {
        return "redis://" + linkHost() + ":" + linkPort();
    }

    /** Where clients connect: the node's {@link #link()}. */
    public HostAndPort hostAndPort() {
        return new HostAndPort(linkHost(), linkPort());
    }

    /** The server's own {@code redis://host:port}, bypassing {@link #link()}. */
    public String directUri() {
        return "redis://" + host() + ":" + port();
    }

    /**
     * A new connection through {@link #link()} with 2-second timeouts; the caller closes it.
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
