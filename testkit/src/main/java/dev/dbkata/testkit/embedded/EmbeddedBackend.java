package dev.dbkata.testkit.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.PortReservation;
import dev.dbkata.testkit.backend.PostgresConfig;
import dev.dbkata.testkit.backend.ServerProcess;

/**
 * Servers from binaries that ship in Maven artifacts: nothing to install, no Docker.
 *
 * <p>A cluster is built without ever starting the primary first: the template is copied for the
 * primary, configured, and copied again for each replica. Those copies are cold base backups of
 * a cluster that never ran, so all nodes share a system identifier and start together.
 */
public final class EmbeddedBackend implements Backend {

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public List<ServerProcess> startCluster(ClusterSpec spec) {
        RunDirectory run = RunDirectory.current();
        String topology = run.newTopologyId();
        List<LocalPostgres> nodes = new ArrayList<>();
        try {
            LocalPostgres primary = newNode(run, topology, ClusterSpec.PRIMARY);
            nodes.add(primary);
            primary.initialiseFromTemplate();
            primary.appendConfig(spec.config().asConfigFile() + localSettings(primary)
                    + "synchronous_standby_names = " + PostgresConfig.quote(spec.synchronousStandbyNames()) + "\n");
            for (String replicaName : spec.replicaNames()) {
                LocalPostgres replica = newNode(run, topology, replicaName);
                nodes.add(replica);
                replica.initialiseFrom(primary);
                replica.appendConfig(localSettings(replica)
                        + "synchronous_standby_names = ''\n"
                        + "primary_conninfo = " + PostgresConfig.quote(
                                ClusterSpec.primaryConninfo(primary.host(), primary.port(), replicaName)) + "\n");
                replica.write("standby.signal", "");
            }
            startAll(nodes);
            return List.copyOf(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(LocalServer::close);
            throw e;
        }
    }

    @Override
    public List<ServerProcess> startIndependentServers(int count, String prefix, PostgresConfig config) {
        RunDirectory run = RunDirectory.current();
        String topology = run.newTopologyId();
        List<LocalPostgres> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                LocalPostgres node = newNode(run, topology, prefix + i);
                nodes.add(node);
                node.initialiseFromTemplate();
                node.appendConfig(config.asConfigFile() + localSettings(node));
            }
            startAll(nodes);
            return List.copyOf(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(LocalServer::close);
            throw e;
        }
    }

    @Override
    public ServerProcess startRedis(String name) {
        RunDirectory run = RunDirectory.current();
        LocalRedis redis = new LocalRedis(name, run.newNodeFolder(run.newTopologyId(), name), PortReservation.reserve());
        try {
            redis.start();
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    private static LocalPostgres newNode(RunDirectory run, String topology, String name) {
        return new LocalPostgres(name, run.newNodeFolder(topology, name), PortReservation.reserve());
    }

    /** What differs between nodes of one machine: the port, and no Unix socket to collide on. */
    private static String localSettings(LocalPostgres node) {
        return "port = " + node.port() + "\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = ''\n"
                + "logging_collector = off\n";
    }

    private static void startAll(List<? extends LocalServer> nodes) {
        // One thread per node: the common pool has a single thread on a 2-core machine.
        ExecutorService starter = Executors.newFixedThreadPool(nodes.size(), r -> {
            Thread t = new Thread(r, "dbkata-start");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (LocalServer node : nodes) {
                starts.add(CompletableFuture.runAsync(node::start, starter));
            }
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        } finally {
            starter.shutdown();
        }
    }

}
