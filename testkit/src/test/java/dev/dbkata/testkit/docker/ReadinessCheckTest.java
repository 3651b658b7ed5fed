package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The checks against fake servers on loopback: what matters is that something which merely
 * accepts connections, as Docker's port forwarder does before the server is up, is not taken
 * for a ready server.
 */
class ReadinessCheckTest {

    private ServerSocket fake;

    @AfterEach
    void stopFake() throws IOException {
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    @DisplayName("Redis is ready when PING is answered with PONG")
    void redisPong() throws IOException {
        int port = serve(client -> {
            try {
                InputStream in = client.getInputStream();
                byte[] ping = in.readNBytes(6);
                if (new String(ping, StandardCharsets.US_ASCII).equals("PING\r\n")) {
                    client.getOutputStream().write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException ignored) {
                // the check gave up
            }
        });

        assertThat(ReadinessCheck.REDIS.answers("127.0.0.1", port)).isTrue();
    }

    @Test
    @DisplayName("Redis is not ready when the connection is accepted and closed (a forwarder with nothing behind it)")
    void redisForwarderOnly() throws IOException {
        int port = serve(client -> { });

        assertThat(ReadinessCheck.REDIS.answers("127.0.0.1", port)).isFalse();
    }

    @Test
    @DisplayName("Redis is not ready when it answers with an error, such as while loading")
    void redisError() throws IOException {
        int port = serve(client -> {
            try {
                client.getInputStream().readNBytes(6);
                client.getOutputStream().write("-LOADING Redis is loading\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException ignored) {
                // the check gave up
            }
        });

        assertThat(ReadinessCheck.REDIS.answers("127.0.0.1", port)).isFalse();
    }

    @Test
    @DisplayName("nothing listening means not ready, for both kinds")
    void nothingListening() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }

        assertThat(ReadinessCheck.REDIS.answers("127.0.0.1", port)).isFalse();
        assertThat(ReadinessCheck.POSTGRES.answers("127.0.0.1", port)).isFalse();
    }

    @Test
    @DisplayName("PostgreSQL is not ready when the connection is accepted and closed")
    void postgresForwarderOnly() throws IOException {
        int port = serve(client -> { });

        assertThat(ReadinessCheck.POSTGRES.answers("127.0.0.1", port)).isFalse();
    }

    @Test
    @DisplayName("the PostgreSQL check connects as postgres with short timeouts")
    void postgresUrl() {
        assertThat(ReadinessCheck.postgresUrl("127.0.0.1", 25_001))
                .startsWith("jdbc:postgresql://127.0.0.1:25001/postgres?user=postgres")
                .contains("connectTimeout=2")
                .contains("socketTimeout=5");
    }

    /** Accepts connections on a loopback port, hands each to {@code session}, then closes it. */
    private int serve(Consumer<Socket> session) throws IOException {
        fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!fake.isClosed()) {
                try (Socket client = fake.accept()) {
                    session.accept(client);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "fake-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return fake.getLocalPort();
    }
}
