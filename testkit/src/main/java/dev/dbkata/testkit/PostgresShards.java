package dev.dbkata.testkit;

import static dev.dbkata.testkit.AbstractServerNode.closeAll;
import static dev.dbkata.testkit.AbstractServerNode.mend;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.Parallel;
import dev.dbkata.testkit.backend.PostgresConfig;
import dev.dbkata.testkit.backend.ServerProcess;
import dev.dbkata.testkit.network.Network;

/**
 * Independent PostgreSQL servers that share nothing, for sharding: {@code shard0},
 * {@code shard1}, ... A row written to one is on that one only.
 */
public final class PostgresShards implements Topology {

    private final List<PostgresNode> shards;
    private final Network network;

    private PostgresShards(List<PostgresNode> shards, Network network) {
        this.shards = List.copyOf(shards);
        this.network = network;
    }

    static PostgresShards start(Backend backend, int count, PostgresConfig config) {
        if (count < 1 || count > 16) {
            throw new IllegalArgumentException("Between 1 and 16 shards, not " + count);
        }
        List<ServerProcess> servers = backend.startIndependentServers(count, "shard", config);
        Network network = Network.open();
        List<PostgresNode> nodes = new ArrayList<>();
        try {
            servers.forEach(server -> nodes.add(new PostgresNode(server, NodeRole.SHARD, network)));
        } catch (RuntimeException e) {
            servers.forEach(ServerProcess::close);
            network.close();
            throw e;
        }
        PostgresShards started = new PostgresShards(nodes, network);
        try {
            nodes.forEach(node -> node.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
            return started;
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /** A shard by index, from 0, as in its name. */
    public PostgresNode shard(int index) {
        if (index < 0 || index >= shards.size()) {
            throw new IllegalArgumentException("No shard" + index + ": there are " + shards.size()
                    + ", numbered from 0");
        }
        return shards.get(index);
    }

    public List<PostgresNode> shards() {
        return shards;
    }

    @Override
    public List<PostgresNode> postgresNodes() {
        return shards;
    }

    public int size() {
        return shards.size();
    }

    public List<DataSource> dataSources() {
        return shards.stream().map(PostgresNode::dataSource).toList();
    }

    @Override
    public boolean heal() {
        if (!network.isRunning()) {
            return false;
        }
        mend(shards);
        return true;
    }

    @Override
    public void resetData() {
        Parallel.run("dbkata-reset", shards.stream().map(shard -> (Runnable) () -> DataReset.resetWritable(shard)).toList());
    }

    @Override
    public void close() {
        try {
            closeAll(shards);
        } finally {
            network.close();
        }
    }

    @Override
    public String toString() {
        return "shards " + shards;
    }
}
