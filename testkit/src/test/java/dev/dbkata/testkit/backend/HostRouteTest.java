package dev.dbkata.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where a backend's servers reach this JVM's links: decided without any engine running. */
class HostRouteTest {

    @Test
    @DisplayName("embedded servers reach the JVM on loopback, and links bind only there")
    void embedded() {
        assertThat(HostRoute.LOOPBACK.bindAddress().isLoopbackAddress()).isTrue();
        assertThat(HostRoute.LOOPBACK.hostForServers()).isEqualTo("127.0.0.1");
        assertThat(new dev.dbkata.testkit.embedded.EmbeddedBackend().routeToThisJvm()).isEqualTo(HostRoute.LOOPBACK);
    }

    @Test
    @DisplayName("Podman: containers use host.containers.internal, which Podman defines; links bind every interface")
    void podman() {
        HostRoute route = HostRoute.forContainers(List.of("Podman Engine"));

        assertThat(route.hostForServers()).isEqualTo("host.containers.internal");
        assertThat(route.gatewayAlias()).isFalse();
        assertThat(route.bindAddress().isAnyLocalAddress())
                .as("a container's 127.0.0.1 is its own: a link on the host's loopback is out of its reach").isTrue();
    }

    @Test
    @DisplayName("Docker: containers use host.docker.internal, added as the host gateway where the engine does not define it")
    void docker() {
        HostRoute route = HostRoute.forContainers(List.of("Engine", "containerd", "runc", "docker-init"));

        assertThat(route.hostForServers()).isEqualTo("host.docker.internal");
        assertThat(route.gatewayAlias()).isTrue();
        assertThat(route.bindAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    @DisplayName("an engine that reports nothing is treated as Docker")
    void unknownEngine() {
        assertThat(HostRoute.forContainers(List.of()).hostForServers()).isEqualTo("host.docker.internal");
    }
}
