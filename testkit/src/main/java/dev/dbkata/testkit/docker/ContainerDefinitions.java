package dev.dbkata.testkit.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.HostRoute;
import dev.dbkata.testkit.backend.PostgresConfig;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Builds the (not yet started) containers of each kind of node. Building one talks to no Docker
 * daemon, which is what lets the wiring be checked on machines without one.
 */
final class ContainerDefinitions {

    /** Lets {@code docker ps} tell which kata node a container is. */
    static final String NODE_LABEL = "dev.dbkata.testkit.node";

    /**
     * Docker gives containers 64 MB of {@code /dev/shm}, and PostgreSQL puts the memory of
     * parallel queries there; a parallel hash join on exercise-sized tables can run out of it
     * and fail with "could not resize shared memory segment", which no real server would.
     */
    static final long POSTGRES_SHARED_MEMORY_BYTES = 256L * 1024 * 1024;

    private static final int EXECUTABLE = 0755;

    private final ContainerImages images;

    ContainerDefinitions(ContainerImages images) {
        this.images = images;
    }

    /** The primary of a cluster: reachable by its replicas as {@code primary} on the cluster's network. */
    GenericContainer<?> clusterPrimary(int hostPort, ClusterSpec spec, Network network) {
        return postgresWithSettings(ClusterSpec.PRIMARY, hostPort,
                PostgresContainerPlan.clusterPrimarySettings(spec, hostPort))
                .withNetwork(network)
                .withNetworkAliases(PostgresContainerPlan.PRIMARY_ALIAS);
    }

    /** A server that replicates from nothing and to nothing, such as a shard. */
    GenericContainer<?> standalonePostgres(String name, int hostPort, PostgresConfig config) {
        return postgresWithSettings(name, hostPort, PostgresContainerPlan.serverSettings(config, hostPort));
    }

    /**
     * A streaming replica, from a data directory already cloned from its primary
     * ({@link ReplicaClone}). The directory is copied into the container before it first starts, at
     * {@link PostgresContainerPlan#REPLICA_DATA_DIRECTORY}, and {@code PGDATA} points there: the
     * image's entrypoint, as root, gives the folder to {@code postgres}, finds a cluster there
     * (so runs no {@code initdb} and no init scripts) and starts the server as {@code postgres}.
     *
     * @param dataDirectory the clone, on this machine
     * @param toJvm         how the container reaches this JVM's links
     */
    GenericContainer<?> replica(String replicaName, int hostPort, Path dataDirectory, Network network, HostRoute toJvm) {
        GenericContainer<?> replica = postgres(replicaName, hostPort)
                .withNetwork(network)
                .withEnv("PGDATA", PostgresContainerPlan.REPLICA_DATA_DIRECTORY)
                .withCopyToContainer(MountableFile.forHostPath(dataDirectory), PostgresContainerPlan.REPLICA_DATA_DIRECTORY);
        // Its WAL streams through a link in this JVM (see PostgresCluster), reached by this name.
        if (toJvm.gatewayAlias()) {
            replica.withExtraHost(toJvm.hostForServers(), "host-gateway");
        }
        return replica;
    }

    GenericContainer<?> redis(String name, int hostPort) {
        return published(images.redis(), name, hostPort)
                .withCommand(RedisContainerPlan.command(hostPort));
    }

    /**
     * A server the image initialises itself, with the kata's settings added by an init script.
     * Password-less access matches the embedded backend, where every server trusts local users.
     */
    private GenericContainer<?> postgresWithSettings(String name, int hostPort, String settings) {
        return postgres(name, hostPort)
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withCopyToContainer(Transferable.of(PostgresContainerPlan.primaryInitScript(settings), EXECUTABLE),
                        PostgresContainerPlan.INIT_SCRIPT_PATH);
    }

    private GenericContainer<?> postgres(String name, int hostPort) {
        return published(images.postgres(), name, hostPort)
                .withSharedMemorySize(POSTGRES_SHARED_MEMORY_BYTES);
    }

    /**
     * A container whose server is reachable on {@code hostPort} of the host's loopback. The
     * server must listen on that same port inside the container; the callers' settings and
     * commands see to it.
     */
    private static GenericContainer<?> published(DockerImageName image, String name, int hostPort) {
        GenericContainer<?> container = new GenericContainer<>(image)
                .withLabel(NODE_LABEL, name)
                .waitingFor(new ReadinessCheckedElsewhere());
        container.setPortBindings(List.of(LoopbackPorts.binding(hostPort)));
        return container;
    }

    /**
     * Testcontainers' own readiness wait, switched off. {@link ContainerServer} checks readiness
     * itself with the same protocol-level check after the first start as after every restart,
     * and its time budget then starts once the image is pulled, not before.
     */
    static final class ReadinessCheckedElsewhere implements WaitStrategy {

        @Override
        public void waitUntilReady(WaitStrategyTarget target) {
            // Nothing to wait for here; see the class comment.
        }

        @Override
        public WaitStrategy withStartupTimeout(Duration startupTimeout) {
            return this;
        }
    }
}
