package dev.dbkata.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against fake daemons on Unix sockets: one that answers, one that never does, none. */
class DockerProbeTest {

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stopFakeDaemon() throws IOException {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private DockerProbe probeFor(Path socket) {
        return new DockerProbe(Map.of("DOCKER_HOST", "unix://" + socket), Duration.ofMillis(300));
    }

    private Path fakeDaemon(String reply) throws IOException {
        Path socket = dir.resolve("docker.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread daemon = new Thread(() -> {
            try (SocketChannel client = server.accept()) {
                client.read(ByteBuffer.allocate(1024));
                if (reply == null) {
                    release.await();
                } else {
                    client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        });
        daemon.setDaemon(true);
        daemon.start();
        return socket;
    }

    @Test
    void aDaemonThatAnswersPingIsAvailable() throws IOException {
        Path socket = fakeDaemon("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");

        DockerProbe.Result result = probeFor(socket).probe();

        assertThat(result.available()).isTrue();
        assertThat(result.endpoint()).isEqualTo("unix://" + socket);
    }

    @Test
    void aSocketThatNeverAnswersIsGivenUpOnQuickly() throws IOException {
        Path socket = fakeDaemon(null);
        Instant start = Instant.now();

        DockerProbe.Result result = probeFor(socket).probe();

        assertThat(result.available()).isFalse();
        assertThat(result.detail()).contains("no answer within 300 ms");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void anErrorReplyIsNotAvailable() throws IOException {
        Path socket = fakeDaemon("HTTP/1.1 500 Internal Server Error\r\n\r\n");

        assertThat(probeFor(socket).probe().available()).isFalse();
    }

    @Test
    void aStaleSocketFileIsNotAvailable() throws IOException {
        Path stale = Files.createFile(dir.resolve("stale.sock"));

        DockerProbe.Result result = probeFor(stale).probe();

        assertThat(result.available()).isFalse();
    }

    @Test
    void aMissingSocketCostsNothing() {
        DockerProbe.Result result = probeFor(dir.resolve("absent.sock")).probe();

        assertThat(result.available()).isFalse();
        assertThat(result.detail()).contains("no such socket");
    }

    @Test
    void anUnreachableTcpHostIsNotAvailable() {
        DockerProbe probe = new DockerProbe(Map.of("DOCKER_HOST", "tcp://127.0.0.1:1"), Duration.ofMillis(300));

        assertThat(probe.probe().available()).isFalse();
    }

    @Test
    void withoutDockerHostTheUsualSocketsAreTried() {
        DockerProbe probe = new DockerProbe(Map.of("HOME", "/home/ada", "XDG_RUNTIME_DIR", "/run/user/1000"),
                Duration.ofMillis(300));

        assertThat(probe.candidates()).containsExactly("unix:///var/run/docker.sock",
                "unix:///home/ada/.docker/run/docker.sock", "unix:///home/ada/.docker/desktop/docker.sock",
                "unix:///run/user/1000/docker.sock");
    }

    @Test
    void anUnsupportedSchemeIsExplained() {
        DockerProbe probe = new DockerProbe(Map.of("DOCKER_HOST", "ssh://user@host"), Duration.ofMillis(300));

        assertThat(probe.probe().detail()).contains("unsupported scheme \"ssh\"");
    }
}
