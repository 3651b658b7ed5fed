package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What can be checked without a Docker daemon; the rest needs one. */
class DockerBackendTest {

    @Test
    @DisplayName("is called docker, and constructing it contacts no daemon")
    void name() {
        assertThat(new DockerBackend().name()).isEqualTo("docker");
    }

    @Test
    @DisplayName("independent servers are named prefix0, prefix1, ... as in the embedded backend")
    void independentServerNames() {
        assertThat(DockerBackend.independentServerNames(3, "shard")).containsExactly("shard0", "shard1", "shard2");
        assertThat(DockerBackend.independentServerNames(1, "node")).containsExactly("node0");
    }

    @Test
    @DisplayName("asking for no independent servers is a mistake, not an empty topology")
    void noServers() {
        assertThatThrownBy(() -> DockerBackend.independentServerNames(0, "shard"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
