package dev.dbkata.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    private final AtomicInteger probes = new AtomicInteger();

    private Supplier<DockerProbe.Result> docker(boolean available) {
        return () -> {
            probes.incrementAndGet();
            return available ? new DockerProbe.Result(true, "unix:///var/run/docker.sock", "answered /_ping")
                    : new DockerProbe.Result(false, null, "unix:///var/run/docker.sock (no such socket)");
        };
    }

    @Test
    void autoTakesDockerWhenADaemonAnswers() {
        BackendChoice choice = BackendChoice.decide(null, Map.of(), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.DOCKER);
        assertThat(choice.reason()).contains("auto").contains("docker.sock");
    }

    @Test
    void autoFallsBackToEmbeddedAndSaysWhy() {
        BackendChoice choice = BackendChoice.decide("auto", Map.of(), docker(false));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.EMBEDDED);
        assertThat(choice.reason()).contains("no such socket");
    }

    @Test
    void explicitEmbeddedNeverProbes() {
        BackendChoice choice = BackendChoice.decide("embedded", Map.of(), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.EMBEDDED);
        assertThat(probes).hasValue(0);
    }

    @Test
    void explicitDockerWithoutDaemonFailsLoudlyWithWhatToDo() {
        assertThatThrownBy(() -> BackendChoice.decide("docker", Map.of(), docker(false)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("no Docker daemon answered")
                .hasMessageContaining("-Dkata.backend=embedded");
    }

    @Test
    void systemPropertyBeatsEnvironment() {
        BackendChoice choice = BackendChoice.decide("embedded", Map.of("KATA_BACKEND", "docker"), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.EMBEDDED);
        assertThat(choice.reason()).contains("-Dkata.backend");
    }

    @Test
    void environmentIsReadWhenNoProperty() {
        BackendChoice choice = BackendChoice.decide("  ", Map.of("KATA_BACKEND", "Docker"), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.DOCKER);
        assertThat(choice.reason()).contains("KATA_BACKEND");
    }

    @Test
    void unknownValueIsRejected() {
        assertThatThrownBy(() -> BackendChoice.decide("podman", Map.of(), docker(true)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("Unknown backend \"podman\"")
                .hasMessageContaining("auto, embedded or docker");
    }
}
