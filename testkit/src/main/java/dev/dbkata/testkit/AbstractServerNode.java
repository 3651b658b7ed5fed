package dev.dbkata.testkit;

import java.net.InetSocketAddress;
import java.util.List;

import dev.dbkata.testkit.backend.Parallel;
import dev.dbkata.testkit.backend.ServerProcess;
import dev.dbkata.testkit.network.Link;
import dev.dbkata.testkit.network.Network;

/**
 * What every {@link ServerNode} does the same way: hands faults to the backend's server, and mends
 * itself between tests. Healing and stopping are written here once for every topology.
 *
 * <p>{@link #host()} and {@link #port()} are the server's own address; clients are handed the
 * address of the node's {@link #link()}, a proxy on its topology's {@link Network} in front of
 * the server. The testkit's own queries use the server's address, so a faulty link never hangs
 * them.
 */
abstract class AbstractServerNode implements ServerNode {

    private final ServerProcess server;
    private final Link link;

    /**
     * @param network where the node's link is made; null only for the start-up benchmark's
     *                baseline, a node without a link whose clients reach the server directly
     */
    AbstractServerNode(ServerProcess server, Network network) {
        this.server = server;
        this.link = network == null ? null
                : network.link("clients → " + server.name(), new InetSocketAddress(server.host(), server.port()));
    }

    @Override
    public final Link link() {
        if (link == null) {
            throw new IllegalStateException(name() + " was started without links");
        }
        return link;
    }

    @Override
    public final int linkPort() {
        return link == null ? port() : link.port();
    }

    /** The host clients reach the link on. */
    final String linkHost() {
        return link == null ? host() : link.bindAddress().getHostAddress();
    }

    /** The backend's server behind this node: its own host and port, whatever clients are given. */
    final ServerProcess server() {
        return server;
    }

    @Override
    public String name() {
        return server.name();
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void crash() {
        server.crash();
        afterRestartOrCrash();
    }

    @Override
    public void freeze() {
        server.freeze();
    }

    @Override
    public void thaw() {
        server.thaw();
    }

    @Override
    public void restart() {
        server.restart();
        afterRestartOrCrash();
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public boolean isFrozen() {
        return server.isFrozen();
    }

    /** What a node must forget when its server went away, such as pooled connections. */
    void afterRestartOrCrash() {
    }

    /** Heals the links in front of this node (a replica adds its replication link). */
    void healLinks() {
        if (link != null) {
            link.heal();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    /**
     * Undoes the faults a test left on each node: heals its links, thaws the frozen, restarts
     * those that are down.
     */
    static void mend(List<? extends AbstractServerNode> nodes) {
        for (AbstractServerNode node : nodes) {
            node.healLinks();
            node.thaw();
            if (!node.isRunning()) {
                node.restart();
            }
        }
    }

    /** Stops every node at once, on threads the testkit owns. */
    static void closeAll(List<? extends ServerNode> nodes) {
        Parallel.run("dbkata-stop", nodes.stream().map(node -> (Runnable) node::close).toList());
    }
}
