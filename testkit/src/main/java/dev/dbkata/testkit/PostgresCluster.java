package dev.dbkata.testkit;

import static dev.dbkata.testkit.AbstractServerNode.closeAll;
import static dev.dbkata.testkit.AbstractServerNode.mend;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.HostRoute;
import dev.dbkata.testkit.backend.ServerProcess;
import dev.dbkata.testkit.network.Link;
import dev.dbkata.testkit.network.Network;

/**
 * A primary and its hot-standby streaming replicas (physical replication). Replicas start
 * streaming before the cluster is handed out; reads on them work at once.
 *
 * <p>Every node has a {@link PostgresNode#link() link} from its clients, and every replica streams
 * its WAL through a {@link PostgresNode#replicationLink() replication link} to the primary, so a
 * test can partition the network: {@link #partition(PostgresNode)}, {@link #isolate(PostgresNode)},
 * {@link #heal()}.
 */
public final class PostgresCluster implements Topology {

    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private final List<PostgresNode> nodes;
    private final ClusterSpec spec;
    private final Network network;

    private PostgresCluster(List<PostgresNode> nodes, ClusterSpec spec, Network network) {
        this.nodes = List.copyOf(nodes);
        this.spec = spec;
        this.network = network;
    }

    static PostgresCluster start(Backend backend, ClusterSpec spec, NodeRole primaryRole) {
        return start(backend, spec, primaryRole, true);
    }

    /** {@code links} false only for the start-up benchmark's baseline: what links cost at start. */
    static PostgresCluster start(Backend backend, ClusterSpec spec, NodeRole primaryRole, boolean links) {
        List<ServerProcess> servers = backend.startCluster(spec);
        Network network = links ? Network.open() : null;
        List<PostgresNode> nodes = new ArrayList<>();
        try {
            nodes.add(new PostgresNode(servers.get(0), primaryRole, network));
            servers.subList(1, servers.size())
                    .forEach(server -> nodes.add(new PostgresNode(server, NodeRole.REPLICA, network)));
        } catch (RuntimeException e) {
            servers.forEach(ServerProcess::close);
            if (network != null) {
                network.close();
            }
            throw e;
        }
        PostgresCluster cluster = new PostgresCluster(nodes, spec, network);
        try {
            cluster.primary().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            if (links) {
                cluster.streamThroughLinks(backend.routeToThisJvm());
            }
            cluster.awaitStreaming();
            cluster.awaitReplicasCaughtUp();
            return cluster;
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** Re-points every replica at the primary through a link of its own, all at once, and waits. */
    private void streamThroughLinks(HostRoute route) {
        PostgresNode primary = nodes.get(0);
        InetSocketAddress target = new InetSocketAddress(primary.host(), primary.port());
        for (PostgresNode replica : replicas()) {
            Link link = network.link(replica.name() + " → " + primary.name(), target, route.bindAddress());
            replica.streamThrough(link, ClusterSpec.primaryConninfo(route.hostForServers(), link.port(), replica.name()));
        }
        for (PostgresNode replica : replicas()) {
            replica.awaitStreamingThrough(CATCH_UP);
        }
    }

    /**
     * Separates {@code replica} from the primary: its replication link is cut, so it stops
     * receiving WAL (and the primary sees it gone), while clients still reach both. A synchronous
     * commit waiting for it blocks. {@link #heal()} (or the next test) joins them again.
     */
    public void partition(PostgresNode replica) {
        if (!replicas().contains(replica)) {
            throw new IllegalArgumentException("partition() separates a replica of this cluster from its primary, but "
                    + replica + " is not one; to cut a node off from everyone, use isolate()");
        }
        replica.replicationLink().cut();
    }

    /**
     * Cuts {@code node} off from everyone: clients cannot reach it, and the WAL it sends or
     * receives stops (for the primary, every replica's replication link is cut). {@link #heal()}
     * (or the next test) undoes it.
     */
    public void isolate(PostgresNode node) {
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException(node + " is not a node of this cluster");
        }
        node.link().cut();
        InetSocketAddress address = new InetSocketAddress(node.host(), node.port());
        for (PostgresNode replica : replicas()) {
            if (replica == node || replica.replicationLink().target().equals(address)) {
                replica.replicationLink().cut();
            }
        }
    }

    /** The node that takes writes (after a promotion, the promoted replica). */
    public PostgresNode primary() {
        return nodes.stream().filter(n -> n.role() != NodeRole.REPLICA && !isFencedOldPrimary(n)).findFirst()
                .orElse(nodes.get(0));
    }

    private boolean isFencedOldPrimary(PostgresNode node) {
        return node == nodes.get(0) && nodes.stream().anyMatch(PostgresNode::wasPromoted);
    }

    /** The replicas in start order; a promoted one is no longer among them. */
    public List<PostgresNode> replicas() {
        return nodes.stream().filter(n -> n.role() == NodeRole.REPLICA).toList();
    }

    /**
     * A replica by its number, as in its name: {@code replica(1)} is {@code replica1}.
     *
     * @throws IllegalArgumentException when there is no such replica
     */
    public PostgresNode replica(int number) {
        return nodes.stream().filter(n -> n.name().equals("replica" + number)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No replica" + number + " in a cluster of "
                        + spec.replicas() + " replica(s); they are numbered from 1"));
    }

    public List<DataSource> replicaDataSources() {
        return replicas().stream().map(PostgresNode::dataSource).toList();
    }

    /** Every node, the original primary first. */
    public List<PostgresNode> nodes() {
        return nodes;
    }

    @Override
    public List<PostgresNode> postgresNodes() {
        return nodes;
    }

    /** Waits until the primary reports every replica connected and streaming. */
    public void awaitStreaming() {
        long expected = replicas().size();
        if (expected == 0) {
            return;
        }
        Waits.until("all " + expected + " replicas to stream from " + primary(), CATCH_UP,
                () -> primary().queryValue("/* dbkata */ SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
                        + " AND (sync_state IN ('sync', 'quorum') OR application_name <> ALL (?::text[]))", Long.class,
                        (Object) synchronousNames()),
                count -> count >= expected);
    }

    private String[] synchronousNames() {
        return spec.synchronousCandidates().toArray(String[]::new);
    }

    /**
     * Waits until every running replica whose replay is not paused has replayed everything the
     * primary has written so far.
     */
    public void awaitReplicasCaughtUp() {
        Lsn target = primary().walPosition();
        for (PostgresNode replica : replicas()) {
            if (replica.isRunning() && !replica.isFrozen() && !replica.isReplayPaused()) {
                Waits.until(replica.name() + " to replay the primary's WAL up to " + target, CATCH_UP,
                        replica::walPosition, lsn -> lsn.isAtLeast(target));
            }
        }
    }

    /**
     * Mends the cluster: heals every link (clients' and replication), thaws frozen nodes,
     * restarts crashed ones, resumes paused replay, and waits until the replicas stream and have
     * caught up. It asks the servers rather than trusting what the testkit did: a learner's own
     * {@code pg_promote()} or {@code pg_wal_replay_pause()} over JDBC counts too. The extension
     * calls it before every test; a test may call it to end a partition.
     *
     * @return false when the cluster cannot be mended in place (a replica was promoted); the
     *         extension then starts a new cluster. Throws when a replica does not come back.
     */
    @Override
    public boolean heal() {
        if (nodes.stream().anyMatch(PostgresNode::wasPromoted) || (network != null && !network.isRunning())) {
            return false;
        }
        mend(nodes);
        if (replicas().stream().anyMatch(replica -> !replica.isInRecovery())) {
            return false;
        }
        for (PostgresNode replica : replicas()) {
            if (replica.isReplayPaused()) {
                replica.resumeReplay();
            }
        }
        // Throws when a replica does not come back; the holder then starts a new cluster.
        awaitStreaming();
        awaitReplicasCaughtUp();
        return true;
    }

    @Override
    public void resetData() {
        DataReset.resetWritable(primary());
        awaitStreaming();
        awaitReplicasCaughtUp();
        for (PostgresNode replica : replicas()) {
            DataReset.disconnectClients(replica);
            DataReset.resetCounters(replica);
        }
    }

    /** Stops every node and deletes its data. */
    @Override
    public void close() {
        try {
            closeAll(nodes);
        } finally {
            if (network != null) {
                network.close();
            }
        }
    }

    @Override
    public String toString() {
        return "cluster " + nodes;
    }
}
