package dev.dbkata.testkit.docker;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.BackendUnavailableException;
import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.HostRoute;
import dev.dbkata.testkit.backend.Lazy;
import dev.dbkata.testkit.backend.Parallel;
import dev.dbkata.testkit.backend.PortReservation;
import dev.dbkata.testkit.backend.PostgresConfig;
import dev.dbkata.testkit.backend.ServerProcess;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * Servers in Docker containers from the stock {@code postgres} and {@code redis} images.
 *
 * <p>Unlike the embedded backend, a cluster cannot be cloned before anything runs: the image
 * creates its data directory inside the container. So the primary starts first; each replica's
 * data directory is then a hot copy of it ({@link ReplicaClone}: {@code pg_backup_start}, the
 * files through the Docker API, {@code pg_backup_stop}), and the replicas start all at once and
 * stream from the primary over the topology's private network. Apart from that, the servers behave as the embedded ones do: same settings in
 * {@code postgresql.conf}, fixed ports on 127.0.0.1 (which each server also listens on inside its
 * container, so {@code inet_server_port()} tells them apart), same fault semantics.
 *
 * <p>Constructing this backend contacts no daemon; the first topology does.
 */
public final class DockerBackend implements Backend {

    private final ContainerDefinitions definitions;
    private volatile boolean daemonChecked;
    private final Lazy<HostRoute> route = Lazy.of(DockerBackend::askEngineForRoute);

    /** Images from {@code -Dkata.docker.postgres.image} and {@code -Dkata.docker.redis.image}, or the defaults. */
    public DockerBackend() {
        this(ContainerImages.fromSystemProperties());
    }

    public DockerBackend(ContainerImages images) {
        this.definitions = new ContainerDefinitions(images);
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public List<ServerProcess> startCluster(ClusterSpec spec) {
        requireLocalDaemon();
        SharedResource<Network> network = new SharedResource<>(Network.newNetwork());
        List<ContainerServer> nodes = new ArrayList<>();
        // The topology holds a lease of its own while it is built, so the network is removed on
        // every path: with the last node to close, or right here if no node got that far.
        SharedResource<Network>.Lease building = network.lease();
        // The replicas' clones, on this machine until their containers hold copies of them.
        StagingFolders staging = new StagingFolders();
        try {
            ContainerServer primary = newNode(nodes, ClusterSpec.PRIMARY, ReadinessCheck.POSTGRES, network,
                    hostPort -> definitions.clusterPrimary(hostPort, spec, network.get()));
            primary.start();
            List<ContainerServer> replicas = new ArrayList<>();
            for (String replicaName : spec.replicaNames()) {
                replicas.add(newNode(nodes, replicaName, ReadinessCheck.POSTGRES, network,
                        hostPort -> definitions.replica(replicaName, hostPort,
                                ReplicaClone.clone(replicaName, primary.containerId(), primary.port(),
                                        PostgresContainerPlan.replicaSettings(replicaName, hostPort, primary.port()),
                                        staging.folder(replicaName)),
                                network.get(), routeToThisJvm())));
            }
            startInParallel(replicas);
            return List.copyOf(nodes);
        } catch (RuntimeException e) {
            closeAll(nodes, e);
            throw e;
        } finally {
            building.close();
            staging.close();
        }
    }

    /**
     * Containers reach a link of this JVM through the engine's name for the host; which name
     * depends on the engine (see {@link HostRoute#forContainers}), so the engine is asked once.
     */
    @Override
    public HostRoute routeToThisJvm() {
        requireLocalDaemon();
        return route.get();
    }

    private static HostRoute askEngineForRoute() {
        com.github.dockerjava.api.model.Version version = DockerClientFactory.instance().client().versionCmd().exec();
        List<String> names = new ArrayList<>();
        if (version.getComponents() != null) {
            version.getComponents().forEach(component -> names.add(component.getName()));
        }
        if (version.getPlatform() != null) {
            names.add(version.getPlatform().getName());
        }
        return HostRoute.forContainers(names);
    }

    @Override
    public List<ServerProcess> startIndependentServers(int count, String prefix, PostgresConfig config) {
        requireLocalDaemon();
        List<ContainerServer> nodes = new ArrayList<>();
        try {
            for (String name : independentServerNames(count, prefix)) {
                newNode(nodes, name, ReadinessCheck.POSTGRES, null,
                        hostPort -> definitions.standalonePostgres(name, hostPort, config));
            }
            startInParallel(nodes);
            return List.copyOf(nodes);
        } catch (RuntimeException e) {
            closeAll(nodes, e);
            throw e;
        }
    }

    @Override
    public ServerProcess startRedis(String name) {
        requireLocalDaemon();
        List<ContainerServer> nodes = new ArrayList<>();
        try {
            ContainerServer redis = newNode(nodes, name, ReadinessCheck.REDIS, null,
                    hostPort -> definitions.redis(name, hostPort));
            redis.start();
            return redis;
        } catch (RuntimeException e) {
            closeAll(nodes, e);
            throw e;
        }
    }

    /**
     * The names the {@link Backend} contract gives independent servers: counted from 0, as the
     * embedded backend does, so that {@code shard0} is the first shard on either backend.
     */
    static List<String> independentServerNames(int count, String prefix) {
        if (count < 1) {
            throw new IllegalArgumentException("At least one server is needed, not " + count);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    /**
     * Reserves the node's host port, defines its container around it and adds it to
     * {@code nodes} (so that a later failure closes it). Nothing is started yet.
     *
     * @param network the topology's network, or {@code null} for a node that needs none
     */
    private static ContainerServer newNode(List<ContainerServer> nodes, String name, ReadinessCheck readiness,
            SharedResource<Network> network, IntFunction<GenericContainer<?>> definition) {
        PortReservation port = PortReservation.reserve();
        try {
            GenericContainer<?> container = definition.apply(port.port());
            AutoCloseable lease = network == null ? () -> { } : network.lease();
            ContainerServer node = new ContainerServer(name, container, port, readiness, lease);
            nodes.add(node);
            return node;
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /** Starts every server at once (see {@link Parallel}) and waits for all of them. */
    private static void startInParallel(List<ContainerServer> servers) {
        Parallel.run("dbkata-docker-start", servers.stream().map(server -> (Runnable) server::start).toList());
    }

    private static void closeAll(List<ContainerServer> nodes, RuntimeException failure) {
        for (ContainerServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * Ports are published on the daemon's 127.0.0.1 and tests connect to this machine's, so the
     * two must be the same machine. Fails before any container exists rather than with a
     * readiness timeout a minute later.
     */
    private void requireLocalDaemon() {
        if (daemonChecked) {
            return;
        }
        String dockerHost;
        try {
            dockerHost = DockerClientFactory.instance().dockerHostIpAddress();
        } catch (IllegalStateException e) {
            throw new BackendUnavailableException("The docker backend was chosen, but Testcontainers found no usable"
                    + " Docker environment: " + e.getMessage() + ". Run without Docker: -Dkata.backend=embedded.", e);
        }
        if (!LoopbackPorts.isLocalDaemon(dockerHost) && !LoopbackPorts.isDaemonBesideUs(daemonName(), hostName())) {
            throw new BackendUnavailableException("The docker backend publishes every server on 127.0.0.1 of the Docker"
                    + " host, but the Docker host here is " + dockerHost + ", not this machine (a remote daemon, or"
                    + " this JVM runs in a container). Use a local Docker daemon, or run without Docker: -Dkata.backend=embedded.");
        }
        daemonChecked = true;
    }

    private static String daemonName() {
        try {
            return DockerClientFactory.instance().getInfo().getName();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return null;
            }
        }
    }
}
