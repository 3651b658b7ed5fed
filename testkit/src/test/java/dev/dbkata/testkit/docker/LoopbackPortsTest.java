package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackPortsTest {

    @Test
    @DisplayName("a binding publishes the reserved port as the same port on the host, on loopback only")
    void binding() {
        String binding = LoopbackPorts.binding(25_432);

        assertThat(binding).isEqualTo("127.0.0.1:25432:25432");
        // What Testcontainers' setPortBindings does with it.
        PortBinding parsed = PortBinding.parse(binding);
        assertThat(parsed.getBinding().getHostIp()).isEqualTo("127.0.0.1");
        assertThat(parsed.getBinding().getHostPortSpec()).isEqualTo("25432");
        assertThat(parsed.getExposedPort()).isEqualTo(ExposedPort.tcp(25_432));
    }

    @Test
    @DisplayName("a port out of range is refused")
    void outOfRange() {
        assertThatThrownBy(() -> LoopbackPorts.binding(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoopbackPorts.binding(70_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "::1", "[::1]", "LOCALHOST"})
    @DisplayName("a daemon reached on loopback publishes ports where the tests connect")
    void localDaemon(String dockerHost) {
        assertThat(LoopbackPorts.isLocalDaemon(dockerHost)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"172.17.0.1", "docker.example.com", "192.168.1.20", ""})
    @DisplayName("a remote daemon, or one seen from inside a container, does not")
    void remoteDaemon(String dockerHost) {
        assertThat(LoopbackPorts.isLocalDaemon(dockerHost)).isFalse();
        assertThat(LoopbackPorts.isLocalDaemon(null)).isFalse();
    }

    @Test
    @DisplayName("a daemon seen through a gateway is still beside us when it reports our host name")
    void daemonBesideUs() {
        assertThat(LoopbackPorts.isDaemonBesideUs("vm", "vm")).isTrue();
        assertThat(LoopbackPorts.isDaemonBesideUs("VM ", "vm")).isTrue();
        assertThat(LoopbackPorts.isDaemonBesideUs("docker-desktop", "3f2a9c1b7d4e")).isFalse();
        assertThat(LoopbackPorts.isDaemonBesideUs(null, "vm")).isFalse();
        assertThat(LoopbackPorts.isDaemonBesideUs("", "")).isFalse();
    }
}
