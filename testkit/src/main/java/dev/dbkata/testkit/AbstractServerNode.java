package dev.dbkata.testkit;

import java.util.List;

import dev.dbkata.testkit.backend.Parallel;
import dev.dbkata.testkit.backend.ServerProcess;

/**
 * What every {@link ServerNode} does the same way: hands faults to the backend's server, and mends
 * itself between tests. Healing and stopping are written here once for every topology.
 *
 * <p>{@link #host()} and {@link #port()} are where clients connect; {@link #server()} is the
 * server itself. Today they are the same address; a node that puts something between its clients
 * and its server (a proxy) overrides the first and keeps the second for the servers' own traffic.
 */
abstract class AbstractServerNode implements ServerNode {

    private final ServerProcess server;

    AbstractServerNode(ServerProcess server) {
        this.server = server;
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

    @Override
    public void close() {
        server.close();
    }

    /** Undoes the faults a test left on each node: thaws the frozen, restarts those that are down. */
    static void mend(List<? extends ServerNode> nodes) {
        for (ServerNode node : nodes) {
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
