package dev.dbkata.testkit.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.EmbeddedHost;
import dev.dbkata.testkit.backend.Parallel;
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
        return startPostgres(newNode -> {
            LocalPostgres primary = newNode.apply(ClusterSpec.PRIMARY);
            primary.initialiseFromTemplate();
            primary.appendConfig(spec.config().asConfigFile() + localSettings(primary)
                    + "synchronous_standby_names = " + PostgresConfig.quote(spec.synchronousStandbyNames()) + "\n");
            for (String replicaName : spec.replicaNames()) {
                LocalPostgres replica = newNode.apply(replicaName);
                replica.initialiseFrom(primary);
                replica.appendConfig(localSettings(replica)
                        + "synchronous_standby_names = ''\n"
                        + "primary_conninfo = " + PostgresConfig.quote(
                                ClusterSpec.primaryConninfo(primary.host(), primary.port(), replicaName)) + "\n");
                replica.write("standby.signal", "");
            }
        });
    }

    @Override
    public List<ServerProcess> startIndependentServers(int count, String prefix, PostgresConfig config) {
        return startPostgres(newNode -> {
            for (int i = 0; i < count; i++) {
                LocalPostgres node = newNode.apply(prefix + i);
                node.initialiseFromTemplate();
                node.appendConfig(config.asConfigFile() + localSettings(node));
            }
        });
    }

    @Override
    public ServerProcess startRedis(String name) {
        RunDirectory run = RunDirectory.current();
        LocalRedis redis = new LocalRedis(name, run.newNodeFolder(run.newTopologyId(), name), PortReservation.reserve());
        try {
            redis.start();
            return redis;
        } catch (RuntimeException e) {
            try {
                redis.close();
            } catch (RuntimeException notStopped) {
                e.addSuppressed(notStopped);
            }
            throw e;
        }
    }

    /**
     * Lays out the data directories of one topology ({@code layout} gets a maker of named nodes),
     * then starts every node at once. On any failure, whatever was made is closed.
     */
    /** Whether this backend's binaries run on this machine, and why (not): what {@code auto} decides by. */
    public static EmbeddedHost host() {
        return EmbeddedHost.assess(System.getProperty("os.name"), System.getProperty("os.arch"),
                Platform.isRootOnLinux(), Platform::unshareWorks);
    }

    private static List<ServerProcess> startPostgres(Consumer<Function<String, LocalPostgres>> layout) {
        RunDirectory run = RunDirectory.current();
        String topology = run.newTopologyId();
        List<LocalPostgres> nodes = new ArrayList<>();
        try {
            layout.accept(name -> {
                LocalPostgres node = new LocalPostgres(name, run.newNodeFolder(topology, name), PortReservation.reserve());
                nodes.add(node);
                return node;
            });
            Parallel.run("dbkata-start", nodes.stream().map(node -> (Runnable) node::start).toList());
            return List.copyOf(nodes);
        } catch (RuntimeException e) {
            for (LocalPostgres node : nodes) {
                try {
                    node.close();
                } catch (RuntimeException notStopped) {
                    e.addSuppressed(notStopped);
                }
            }
            throw e;
        }
    }

    /** What differs between nodes of one machine: the port, and no Unix socket to collide on. */
    private static String localSettings(LocalPostgres node) {
        return "port = " + node.port() + "\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = ''\n"
                + "logging_collector = off\n";
    }
}
