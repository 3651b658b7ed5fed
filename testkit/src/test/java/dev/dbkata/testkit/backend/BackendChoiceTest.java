package dev.dbkata.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class BackendChoiceTest {

    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger hostChecks = new AtomicInteger();

    private static final EmbeddedHost LINUX = EmbeddedHost.assess("Linux", "amd64", false, () -> true);
    private static final EmbeddedHost WINDOWS = EmbeddedHost.assess("Windows 11", "amd64", false, () -> true);

    private Supplier<EmbeddedHost> host(EmbeddedHost host) {
        return () -> {
            hostChecks.incrementAndGet();
            return host;
        };
    }

    private Supplier<DockerProbe.Result> docker(boolean available) {
        return () -> {
            probes.incrementAndGet();
            return available ? new DockerProbe.Result(true, "unix:///var/run/docker.sock", "answered /_ping")
                    : new DockerProbe.Result(false, null, "unix:///var/run/docker.sock (no such socket)");
        };
    }

    @Test
    void autoTakesEmbeddedOnLinuxEvenWhenADaemonAnswersAndNeverAsksIt() {
        BackendChoice choice = BackendChoice.decide(null, Map.of(), host(LINUX), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.EMBEDDED);
        assertThat(choice.reason()).contains("auto").contains("embedded binaries run on Linux x86-64")
                .contains("-Dkata.backend=docker");
        assertThat(probes).hasValue(0);
    }

    @Test
    void autoTakesEmbeddedOnMacArm() {
        EmbeddedHost mac = EmbeddedHost.assess("Mac OS X", "aarch64", false, () -> false);
        BackendChoice choice = BackendChoice.decide("auto", Map.of(), host(mac), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.EMBEDDED);
        assertThat(choice.reason()).contains("macOS arm64");
    }

    @Test
    void autoTakesDockerOnWindowsAndSaysWhy() {
        BackendChoice choice = BackendChoice.decide("auto", Map.of(), host(WINDOWS), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.DOCKER);
        assertThat(choice.reason()).contains("not Windows 11/amd64").contains("docker.sock");
    }

    @Test
    void autoWithNeitherBackendFailsWithBothReasons() {
        assertThatThrownBy(() -> BackendChoice.decide(null, Map.of(), host(WINDOWS), docker(false)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("not Windows 11/amd64")
                .hasMessageContaining("no such socket")
                .hasMessageContaining("Start Docker");
    }

    @Test
    void autoAsRootTakesEmbeddedOnlyWhenUnshareDropsRoot() {
        EmbeddedHost rootWithUnshare = EmbeddedHost.assess("Linux", "x86_64", true, () -> true);
        EmbeddedHost rootWithout = EmbeddedHost.assess("Linux", "x86_64", true, () -> false);

        assertThat(BackendChoice.decide(null, Map.of(), host(rootWithUnshare), docker(true)).backend())
                .isEqualTo(BackendChoice.Kind.EMBEDDED);
        BackendChoice fallback = BackendChoice.decide(null, Map.of(), host(rootWithout), docker(true));
        assertThat(fallback.backend()).isEqualTo(BackendChoice.Kind.DOCKER);
        assertThat(fallback.reason()).contains("unshare -U");
    }

    @Test
    void onlyUnixLikeSystemsOnKnownProcessorsRunTheEmbeddedBinaries() {
        assertThat(EmbeddedHost.assess("Linux", "aarch64", false, () -> false).runs()).isTrue();
        assertThat(EmbeddedHost.assess("Mac OS X", "x86_64", false, () -> false).runs()).isTrue();
        assertThat(EmbeddedHost.assess("Linux", "ppc64le", false, () -> true).runs()).isFalse();
        assertThat(EmbeddedHost.assess("FreeBSD", "amd64", false, () -> true).runs()).isFalse();
        assertThat(EmbeddedHost.assess("Windows 10", "aarch64", false, () -> true).runs()).isFalse();
    }

    @Test
    void unshareIsAskedOnlyAsRoot() {
        AtomicInteger asked = new AtomicInteger();
        EmbeddedHost.assess("Linux", "amd64", false, () -> asked.incrementAndGet() > 0);

        assertThat(asked).hasValue(0);
    }

    @Test
    void explicitEmbeddedNeverProbes() {
        BackendChoice choice = BackendChoice.decide("embedded", Map.of(), host(LINUX), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.EMBEDDED);
        assertThat(probes).hasValue(0);
        assertThat(hostChecks).hasValue(0);
    }

    @Test
    void explicitDockerIsTakenEvenWhereEmbeddedRuns() {
        BackendChoice choice = BackendChoice.decide("docker", Map.of(), host(LINUX), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.DOCKER);
        assertThat(choice.reason()).contains("docker requested by -Dkata.backend");
        assertThat(hostChecks).hasValue(0);
    }

    @Test
    void explicitDockerWithoutDaemonFailsLoudlyWithWhatToDo() {
        assertThatThrownBy(() -> BackendChoice.decide("docker", Map.of(), host(LINUX), docker(false)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("no Docker daemon answered")
                .hasMessageContaining("-Dkata.backend=embedded");
    }

    @Test
    void systemPropertyBeatsEnvironment() {
        BackendChoice choice = BackendChoice.decide("embedded", Map.of("KATA_BACKEND", "docker"), host(LINUX), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.EMBEDDED);
        assertThat(choice.reason()).contains("-Dkata.backend");
    }

    @Test
    void environmentIsReadWhenNoProperty() {
        BackendChoice choice = BackendChoice.decide("  ", Map.of("KATA_BACKEND", "Docker"), host(LINUX), docker(true));

        assertThat(choice.backend()).isEqualTo(BackendChoice.Kind.DOCKER);
        assertThat(choice.reason()).contains("KATA_BACKEND");
    }

    @Test
    void unknownValueIsRejected() {
        assertThatThrownBy(() -> BackendChoice.decide("podman", Map.of(), host(LINUX), docker(true)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("Unknown backend \"podman\"")
                .hasMessageContaining("auto, embedded or docker");
    }

    @Test
    void theDockerProbesReasonsAreOneShortLineUnlessVerbose() {
        String fourTried = "unix:///var/run/docker.sock (no such socket); unix:///home/a/.docker/run/docker.sock"
                + " (no such socket); unix:///home/a/.docker/desktop/docker.sock (no such socket);"
                + " unix:///run/user/1000/docker.sock (Connection refused)";
        Supplier<DockerProbe.Result> none = () -> new DockerProbe.Result(false, null, fourTried);

        assertThatThrownBy(() -> BackendChoice.decide("docker", Map.of(), host(LINUX), none))
                .hasMessageContaining("no Docker daemon answered: 4 endpoints tried, none answered"
                        + " (unix:///var/run/docker.sock (no such socket), ...; -v or KATA_VERBOSE=1 lists them all).")
                .hasMessageNotContaining("Connection refused");
        assertThatThrownBy(() -> BackendChoice.decide(null, Map.of("KATA_VERBOSE", "1"), host(WINDOWS), none))
                .hasMessageContaining(fourTried);
        assertThat(new DockerProbe.Result(false, null, "tcp://x:1 (no answer within 500 ms)").summary())
                .as("one endpoint: its reason is short already").isEqualTo("tcp://x:1 (no answer within 500 ms)");
        assertThat(BackendChoice.brief("auto: the embedded binaries run on Linux x86-64; Docker only where ..."))
                .isEqualTo("auto");
        assertThat(BackendChoice.brief("embedded requested by KATA_BACKEND")).isEqualTo("embedded requested by KATA_BACKEND");
        assertThat(BackendChoice.verbose(Map.of("KATA_VERBOSE", "true"))).isTrue();
        assertThat(BackendChoice.verbose(Map.of("KATA_VERBOSE", "0"))).isFalse();
    }
}
