package dev.dbkata.testkit;

import static dev.dbkata.testkit.AbstractServerNode.closeAll;
import static dev.dbkata.testkit.AbstractServerNode.mend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.ServerProcess;

/**
 * A primary and its hot-standby streaming replicas (physical replication). Replicas start
 * streaming before the cluster is handed out; reads on them work at once.
 */
public final class PostgresCluster implements Topology {

    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private final List<PostgresNode> nodes;
    private final ClusterSpec spec;

    private PostgresCluster(List<PostgresNode> nodes, ClusterSpec spec) {
        this.nodes = List.copyOf(nodes);
        this.spec = spec;
    }

    static PostgresCluster start(Backend backend, ClusterSpec spec, NodeRole primaryRole) {
        List<ServerProcess> servers = backend.startCluster(spec);
        List<PostgresNode> nodes = new ArrayList<>();
        nodes.add(new PostgresNode(servers.get(0), primaryRole));
        servers.subList(1, servers.size()).forEach(server -> nodes.add(new PostgresNode(server, NodeRole.REPLICA)));
        PostgresCluster cluster = new PostgresCluster(nodes, spec);
        try {
            cluster.primary().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            cluster.awaitStreaming();
            cluster.awaitReplicasCaughtUp();
            return cluster;
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
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
        return spec.replicaNames().subList(0, spec.synchronousStandbys()).toArray(String[]::new);
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
     * Mends the cluster by asking the servers, not by trusting what the testkit did: a learner's
     * own {@code pg_promote()} or {@code pg_wal_replay_pause()} over JDBC counts too. Anything
     * that cannot be mended in place (a promotion, a replica that does not catch up) makes the
     * extension start a new cluster.
     */
    @Override
    public boolean heal() {
        if (nodes.stream().anyMatch(PostgresNode::wasPromoted)) {
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
        closeAll(nodes);
    }

    @Override
    public String toString() {
        return "cluster " + nodes;
    }
}
