package dev.dbkata.testkit;

import dev.dbkata.testkit.network.Link;

/**
 * One server of a topology as a test sees it, whatever it runs (PostgreSQL, Redis): where clients
 * reach it, and the faults a test can inflict on it. {@link PostgresNode} and {@link RedisNode}
 * are server nodes; code that only freezes, crashes or heals servers can take either.
 *
 * <p>The faults mean the same on every backend:
 * <ul>
 *   <li>{@link #crash()} ends the server at once, without a clean shutdown, as a power cut would;
 *       what it had not made durable is lost. It stays down until {@link #restart()}.</li>
 *   <li>{@link #freeze()} suspends every process of the server: connections stay open and new ones
 *       are accepted, but nothing answers, which is what a client sees in a network partition.
 *       {@link #thaw()} lets it go on where it stopped.</li>
 *   <li>{@link #restart()} brings the server back on the same host and port, whatever state it was
 *       in (frozen, crashed, running), and returns once it accepts connections.</li>
 * </ul>
 * Network faults act on the node's {@link #link()}, the path from clients to the server:
 * {@code link().delay(...)}, {@code cut()}, {@code blackhole()}, {@code heal()}. The connections
 * and addresses a node hands out lead through it; {@link #port()} stays the server's own port.
 * Between tests the extension heals links, thaws frozen servers and restarts crashed ones by itself.
 */
public interface ServerNode extends AutoCloseable {

    /** A name unique in its topology, such as {@code primary}, {@code replica2}, {@code shard0} or {@code redis0}. */
    String name();

    /** The server's own host. */
    String host();

    /** The server's own port: what it listens on, and what {@code inet_server_port()} reports. */
    int port();

    /** The link from clients to this node: the connections the node hands out go through it. */
    Link link();

    /** The port of {@link #link()}, which the node's URLs and data sources use. */
    int linkPort();

    /** Suspends the server: clients hang, as in a network partition. Does nothing to a server that is down or frozen. */
    void freeze();

    /** Lets a frozen server go on. Does nothing to one that is not frozen. */
    void thaw();

    /** Ends the server at once, without a clean shutdown. Does nothing to a server that is down. */
    void crash();

    /** Starts the server again on the same port, after a crash or not; returns once it answers. */
    void restart();

    /** Whether the server's processes exist; a frozen server is running. */
    boolean isRunning();

    boolean isFrozen();

    /** Stops the server for good and deletes its data. */
    @Override
    void close();
}
