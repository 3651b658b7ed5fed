package dev.dbkata.testkit.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The proxy against a plain echo server: what each fault does to bytes, ends of stream and resets. */
class LinkTest {

    private EchoServer echo;
    private Network network;
    private Link link;
    private final ExecutorService readers = TestThreads.single("link-test-reader");

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        network = Network.open();
        link = network.link("client → echo", echo.address());
    }

    @AfterEach
    void stop() throws Exception {
        network.close();
        echo.close();
        readers.shutdownNow();
        readers.awaitTermination(5, TimeUnit.SECONDS);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", link.port()), 2_000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] readExactly(InputStream in, int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        assertThat(bytes).as("bytes before the end of stream").hasSize(count);
        return bytes;
    }

    /** Median round trip of a one-byte echo, in nanoseconds. */
    private static long medianRoundTrip(Socket socket, int rounds) throws IOException {
        long[] times = new long[rounds];
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            out.write(i);
            out.flush();
            assertThat(in.read()).isEqualTo(i & 0xff);
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return times[rounds / 2];
    }

    @Test
    @DisplayName("a healthy link forwards bytes both ways and says so")
    void forwards() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("hello".getBytes());
            assertThat(new String(readExactly(socket.getInputStream(), 5))).isEqualTo("hello");
        }
        assertThat(link.isHealthy()).isTrue();
        assertThat(link.toString()).contains("client → echo").contains("healthy").contains(":" + link.port());
    }

    @Test
    @DisplayName("delay(d) adds about 2 × d to a round trip")
    void delayAddsToEachDirection() throws IOException {
        try (Socket socket = connect()) {
            long direct = medianRoundTrip(socket, 5);
            link.delay(Duration.ofMillis(40));
            long delayed = medianRoundTrip(socket, 5);
            assertThat(link.isHealthy()).isFalse();
            assertThat(link.toString()).contains("delay 40 ms each way");
            assertThat(Duration.ofNanos(delayed - direct))
                    .as("a round trip crosses the link twice")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(78))
                    .isLessThan(Duration.ofMillis(80 + 400));
            link.heal();
            assertThat(link.isHealthy()).isTrue();
            assertThat(Duration.ofNanos(medianRoundTrip(socket, 5))).isLessThan(Duration.ofMillis(40));
        }
    }

    @Test
    @DisplayName("jitter never reorders bytes, and a large transfer arrives intact")
    void jitterKeepsOrder() throws Exception {
        link.delay(Duration.ofMillis(3), Duration.ofMillis(3));
        byte[] sent = new byte[3 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(sent);
        try (Socket socket = connect()) {
            Future<byte[]> received = readers.submit(() -> readExactly(socket.getInputStream(), sent.length));
            OutputStream out = socket.getOutputStream();
            for (int offset = 0; offset < sent.length; offset += 1000) {
                out.write(sent, offset, Math.min(1000, sent.length - offset));
            }
            out.flush();
            assertThat(Arrays.equals(received.get(30, TimeUnit.SECONDS), sent)).as("the bytes came back in order").isTrue();
        }
        assertThat(link.toString()).contains("delay 3 ms ± 3 ms");
    }

    @Test
    @DisplayName("limitBandwidth paces each direction")
    void bandwidth() throws Exception {
        int size = 40_000;
        link.limitBandwidth(40_000);
        byte[] sent = new byte[size];
        ThreadLocalRandom.current().nextBytes(sent);
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            Future<byte[]> received = readers.submit(() -> readExactly(socket.getInputStream(), size));
            socket.getOutputStream().write(sent);
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(sent);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("40 kB at 40 kB/s take about a second")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        assertThat(link.toString()).contains("40000 bytes/s");
    }

    @Test
    @DisplayName("cut() resets established connections and refuses new ones; heal() accepts again")
    void cut() throws IOException {
        try (Socket established = connect()) {
            established.getOutputStream().write(1);
            assertThat(established.getInputStream().read()).isEqualTo(1);

            link.cut();

            assertThat(link.toString()).contains("cut");
            long start = System.nanoTime();
            assertThatThrownBy(() -> established.getInputStream().read())
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        }
        link.heal();
        try (Socket again = connect()) {
            again.getOutputStream().write(2);
            assertThat(again.getInputStream().read()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("blackhole() accepts but moves nothing, and heal() resumes the same stream intact")
    void blackhole() throws Exception {
        try (Socket established = connect()) {
            established.getOutputStream().write("before".getBytes());
            assertThat(new String(readExactly(established.getInputStream(), 6))).isEqualTo("before");

            link.blackhole();
            established.getOutputStream().write("during".getBytes());
            established.setSoTimeout(300);
            assertThatThrownBy(() -> established.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            try (Socket fresh = connect()) {
                fresh.setSoTimeout(300);
                fresh.getOutputStream().write(7);
                assertThatThrownBy(() -> fresh.getInputStream().read())
                        .as("a new connection is accepted but hangs")
                        .isInstanceOf(SocketTimeoutException.class);

                link.heal();
                fresh.setSoTimeout(5_000);
                assertThat(fresh.getInputStream().read()).isEqualTo(7);
            }
            established.setSoTimeout(5_000);
            assertThat(new String(readExactly(established.getInputStream(), 6)))
                    .as("nothing was discarded while black-holed").isEqualTo("during");
        }
    }

    @Test
    @DisplayName("an end of stream passes at once, both ways")
    void endOfStreamPasses() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("last".getBytes());
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            assertThat(new String(readExactly(in, 4))).isEqualTo("last");
            assertThat(in.read()).as("the echo server closed after our end of stream").isEqualTo(-1);
        }
        Waits.until("the link to forget the closed connection", Duration.ofSeconds(5), () -> link.connections() == 0);
    }

    @Test
    @DisplayName("a reset by the server reaches the client at once")
    void resetPasses() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(1);
            assertThat(socket.getInputStream().read()).isEqualTo(1);
            Socket serverSide = echo.accepted().get(0);
            serverSide.setSoLinger(true, 0);
            serverSide.close();
            assertThatThrownBy(() -> {
                socket.getInputStream().read();
                socket.getOutputStream().write(2);
                socket.getInputStream().read();
            }).isInstanceOf(SocketException.class);
        }
    }

    @Test
    @DisplayName("a link refuses while its server refuses")
    void refusesWhileServerRefuses() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Link toNowhere = network.link("client → nowhere", new InetSocketAddress("127.0.0.1", closedPort));
        try (Socket socket = new Socket("127.0.0.1", toNowhere.port())) {
            socket.setSoTimeout(5_000);
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                socket.getOutputStream().write(1);
                if (socket.getInputStream().read() < 0) {
                    throw new SocketException("end of stream");
                }
            }).isInstanceOf(SocketException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    @DisplayName("a negative or absurd delay or bandwidth is refused with a clear message, and nothing changes")
    void badInput() {
        link.delay(Duration.ofMillis(5));
        assertThatThrownBy(() -> link.delay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> link.delay(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the 60 s");
        assertThatThrownBy(() -> link.delay(Duration.ofMillis(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
        assertThatThrownBy(() -> link.limitBandwidth(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 byte per second");
        assertThat(link.delay()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    @DisplayName("closing the network ends its thread and frees its ports")
    void noThreadSurvivesClose() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(1);
            assertThat(socket.getInputStream().read()).isEqualTo(1);
        }
        int port = link.port();
        network.close();
        assertThat(network.isRunning()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().equals(network.threadName()) && thread.isAlive());
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThatThrownBy(link::heal).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
