package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.command.CreateContainerCmd;
import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.HostRoute;
import dev.dbkata.testkit.backend.PostgresConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.Transferable;

/** The containers as defined before start; defining them needs no Docker daemon. */
class ContainerDefinitionsTest {

    private static final PostgresConfig DEFAULTS = PostgresConfig.withOverrides(Map.of());

    private final ContainerDefinitions definitions = new ContainerDefinitions(ContainerImages.from(Map.<String, String>of()::get));
    private final Network network = Network.newNetwork();

    @AfterEach
    void closeNetwork() {
        // Never created, as nothing started; closing must not need Docker either.
        network.close();
    }

    @Test
    @DisplayName("the primary: trusted access, on the cluster network as 'primary', on its reserved port on loopback and inside")
    void clusterPrimary() {
        GenericContainer<?> primary = definitions.clusterPrimary(25_001, new ClusterSpec(2, 1, DEFAULTS), network);

        assertThat(imageNameOf(primary)).isEqualTo("postgres:17");
        assertThat(primary.getPortBindings()).containsExactly("127.0.0.1:25001:25001/tcp");
        assertThat(primary.getNetwork()).isSameAs(network);
        assertThat(primary.getNetworkAliases()).contains("primary");
        assertThat(primary.getEnvMap()).containsEntry("POSTGRES_HOST_AUTH_METHOD", "trust");
        assertThat(primary.getCommandParts()).as("the image's own postgres command").isEmpty();
        assertThat(primary.getLabels()).containsEntry(ContainerDefinitions.NODE_LABEL, "primary");
        assertThat(primary.getShmSize()).isEqualTo(ContainerDefinitions.POSTGRES_SHARED_MEMORY_BYTES);
        assertThat(initScriptOf(primary)).contains("\nport = 25001\n");
    }

    @Test
    @DisplayName("a replica: its clone copied in before start as PGDATA, the image's own start-up, on the cluster network, on its own port")
    void replica() {
        GenericContainer<?> replica = definitions.replica("replica2", 25_002, Path.of("/tmp/clone-of-primary"), network,
                HostRoute.forContainers(List.of("Podman Engine")));

        assertThat(replica.getPortBindings()).containsExactly("127.0.0.1:25002:25002/tcp");
        assertThat(replica.getNetwork()).isSameAs(network);
        assertThat(replica.getNetworkAliases()).doesNotContain("primary");
        assertThat(replica.getEnvMap()).containsEntry("PGDATA", PostgresContainerPlan.REPLICA_DATA_DIRECTORY);
        assertThat(replica.getCommandParts()).as("the image's own postgres command").isEmpty();
        assertThat(List.<Object>copyOf(copiesOf(replica).values())).contains(PostgresContainerPlan.REPLICA_DATA_DIRECTORY);
        assertThat(replica.getLabels()).containsEntry(ContainerDefinitions.NODE_LABEL, "replica2");
        assertThat(usersSetBy(replica)).as("the entrypoint starts as root and hands the folder to postgres").isEmpty();
        assertThat(replica.getExtraHosts()).as("Podman names the host itself").isEmpty();
    }

    @Test
    @DisplayName("a replica on Docker Engine gets host.docker.internal as the host gateway, to reach its replication link")
    void replicaReachesTheJvmOnDocker() {
        GenericContainer<?> replica = definitions.replica("replica1", 25_002, Path.of("/tmp/clone-of-primary"), network,
                HostRoute.forContainers(List.of("Engine", "containerd", "runc")));

        assertThat(replica.getExtraHosts()).containsExactly("host.docker.internal:host-gateway");
    }

    @Test
    @DisplayName("an independent server: no network, no replication peers, on its own port")
    void standalone() {
        GenericContainer<?> shard = definitions.standalonePostgres("shard0", 25_003, DEFAULTS);

        assertThat(shard.getPortBindings()).containsExactly("127.0.0.1:25003:25003/tcp");
        assertThat(initScriptOf(shard)).contains("\nport = 25003\n");
        assertThat(shard.getNetwork()).isNull();
        assertThat(shard.getEnvMap()).containsEntry("POSTGRES_HOST_AUTH_METHOD", "trust");
        assertThat(shard.getLabels()).containsEntry(ContainerDefinitions.NODE_LABEL, "shard0");
    }

    @Test
    @DisplayName("Redis: the no-persistence command, on its reserved port on loopback and inside")
    void redis() {
        GenericContainer<?> redis = definitions.redis("cache", 25_004);

        assertThat(imageNameOf(redis)).isEqualTo("redis:7");
        assertThat(redis.getPortBindings()).containsExactly("127.0.0.1:25004:25004/tcp");
        assertThat(redis.getCommandParts()).containsExactly(RedisContainerPlan.command(25_004));
    }

    @Test
    @DisplayName("an overridden image is the one used")
    void imageOverride() {
        ContainerDefinitions mirrored = new ContainerDefinitions(ContainerImages.from(
                Map.of(ContainerImages.POSTGRES_PROPERTY, "postgres:17.6-bookworm")::get));

        assertThat(imageNameOf(mirrored.standalonePostgres("shard0", 25_005, DEFAULTS)))
                .isEqualTo("postgres:17.6-bookworm");
    }

    /**
     * The image a container was defined with. {@code getDockerImageName()} would resolve (and so
     * pull) the image, which needs a daemon; the unresolved reference only shows in the image's
     * description, so this reads it from there.
     */
    private static String imageNameOf(GenericContainer<?> container) {
        Matcher name = Pattern.compile("imageName=([^,)]+)").matcher(container.getImage().toString());
        assertThat(name.find()).as("image description %s names the image", container.getImage()).isTrue();
        return name.group(1);
    }

    /**
     * The init script the container is defined to receive. Testcontainers keeps what
     * {@code withCopyToContainer} was given behind a package-private getter, hence the reflection;
     * should that getter go, this fails here rather than passing without looking.
     */
    /** What goes into the container before it starts: content to the path inside. */
    private static Map<?, ?> copiesOf(GenericContainer<?> container) {
        try {
            Method getter = GenericContainer.class.getDeclaredMethod("getCopyToTransferableContainerPathMap");
            getter.setAccessible(true);
            return (Map<?, ?>) getter.invoke(container);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Testcontainers no longer shows what is copied into a container", e);
        }
    }

    private static String initScriptOf(GenericContainer<?> container) {
        return copiesOf(container).entrySet().stream()
                .filter(entry -> PostgresContainerPlan.INIT_SCRIPT_PATH.equals(entry.getValue()))
                .map(entry -> new String(((Transferable) entry.getKey()).getBytes(), StandardCharsets.UTF_8))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no init script at " + PostgresContainerPlan.INIT_SCRIPT_PATH));
    }

    /** Applies the container's create-command modifiers to a stand-in and reports the users they set. */
    private static List<String> usersSetBy(GenericContainer<?> container) {
        List<String> users = new ArrayList<>();
        CreateContainerCmd[] self = new CreateContainerCmd[1];
        self[0] = (CreateContainerCmd) Proxy.newProxyInstance(CreateContainerCmd.class.getClassLoader(),
                new Class<?>[] {CreateContainerCmd.class}, (proxy, method, args) -> {
                    if (method.getName().equals("withUser")) {
                        users.add((String) args[0]);
                    }
                    return method.getReturnType().isInstance(self[0]) ? self[0] : null;
                });
        container.getCreateContainerCmdModifiers().forEach(modifier -> modifier.modify(self[0]));
        return users;
    }
}
