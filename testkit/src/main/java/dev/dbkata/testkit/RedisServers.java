package dev.dbkata.testkit;

import static dev.dbkata.testkit.AbstractServerNode.closeAll;
import static dev.dbkata.testkit.AbstractServerNode.mend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.Parallel;
import dev.dbkata.testkit.network.Network;

/** One or more independent Redis servers: {@code redis0}, {@code redis1}, ... */
public final class RedisServers implements Topology {

    private final List<RedisNode> nodes;
    private final Network network;

    private RedisServers(List<RedisNode> nodes, Network network) {
        this.nodes = List.copyOf(nodes);
        this.network = network;
    }

    static RedisServers start(Backend backend, int count) {
        if (count < 1 || count > 8) {
            throw new IllegalArgumentException("Between 1 and 8 Redis servers, not " + count);
        }
        Network network = Network.open();
        List<Supplier<RedisNode>> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "redis" + i;
            starts.add(() -> RedisNode.start(backend, name, network));
        }
        try {
            return new RedisServers(Parallel.start("dbkata-start", starts), network);
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** The first server. */
    public RedisNode node() {
        return nodes.get(0);
    }

    /** A server by index, from 0, as in its name. */
    public RedisNode node(int index) {
        if (index < 0 || index >= nodes.size()) {
            throw new IllegalArgumentException("No redis" + index + ": there are " + nodes.size() + ", numbered from 0");
        }
        return nodes.get(index);
    }

    public List<RedisNode> nodes() {
        return nodes;
    }

    @Override
    public boolean heal() {
        if (!network.isRunning()) {
            return false;
        }
        mend(nodes);
        return true;
    }

    @Override
    public void resetData() {
        nodes.forEach(RedisNode::reset);
    }

    @Override
    public void close() {
        try {
            closeAll(nodes);
        } finally {
            network.close();
        }
    }
}
