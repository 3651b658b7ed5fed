package dev.dbkata.testkit.backend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a Docker daemon whether it is there, within a fraction of a second.
 *
 * <p>Testcontainers' own check can take ten seconds per candidate when a socket file is stale or
 * {@code DOCKER_HOST} points nowhere, and it starts a helper container when Docker is there. This
 * probe sends one {@code GET /_ping} to each candidate endpoint with a short deadline and touches
 * no Docker library, so a machine without Docker pays next to nothing.
 */
public final class DockerProbe {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

    private final Map<String, String> env;
    private final Duration timeout;

    public DockerProbe(Map<String, String> env, Duration timeout) {
        this.env = env;
        this.timeout = timeout;
    }

    public static DockerProbe ofSystem() {
        return new DockerProbe(System.getenv(), DEFAULT_TIMEOUT);
    }

    /** The outcome: the endpoint that answered, or why none did ({@code detail}: each endpoint tried and why). */
    public record Result(boolean available, String endpoint, String detail) {

        /**
         * Why no daemon answered, in one short line: the detail when one endpoint was tried, else
         * how many were and how the first one failed.
         */
        public String summary() {
            if (available) {
                return "answered at " + endpoint;
            }
            String[] tried = detail.split("; ");
            return tried.length <= 1 ? detail
                    : tried.length + " endpoints tried, none answered (" + tried[0] + ", ...; -v or KATA_VERBOSE=1 lists them all)";
        }

        /** {@link #detail()} when {@code verbose}, else {@link #summary()}. */
        public String reasons(boolean verbose) {
            return verbose ? detail : summary();
        }
    }

    public Result probe() {
        List<String> tried = new ArrayList<>();
        for (String endpoint : candidates()) {
            Optional<String> failure = ping(endpoint);
            if (failure.isEmpty()) {
                return new Result(true, endpoint, "answered /_ping");
            }
            tried.add(endpoint + " (" + failure.get() + ")");
        }
        return new Result(false, null, tried.isEmpty() ? "no Docker endpoint found" : String.join("; ", tried));
    }

    /** Where a daemon may listen: {@code DOCKER_HOST} alone when it is set, else the usual sockets. */
    List<String> candidates() {
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return List.of(dockerHost.trim());
        }
        List<String> sockets = new ArrayList<>();
        sockets.add("unix:///var/run/docker.sock");
        String home = env.get("HOME");
        if (home != null) {
            sockets.add("unix://" + home + "/.docker/run/docker.sock");
            sockets.add("unix://" + home + "/.docker/desktop/docker.sock");
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null) {
            sockets.add("unix://" + runtimeDir + "/docker.sock");
        }
        return sockets;
    }

    /** Empty when the endpoint answered {@code OK}; otherwise why not. */
    Optional<String> ping(String endpoint) {
        SocketAddress address;
        try {
            address = addressOf(endpoint);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (address instanceof UnixDomainSocketAddress unix && !Files.exists(unix.getPath())) {
            return Optional.of("no such socket");
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "docker-probe");
            t.setDaemon(true);
            return t;
        });
        try (SocketChannel channel = SocketChannel.open(address.getClass() == UnixDomainSocketAddress.class
                ? java.net.StandardProtocolFamily.UNIX : java.net.StandardProtocolFamily.INET)) {
            Future<String> reply = executor.submit(() -> exchange(channel, address));
            try {
                String status = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return status.startsWith("HTTP/") && status.endsWith("OK")
                        ? Optional.empty() : Optional.of("answered " + status);
            } catch (TimeoutException e) {
                return Optional.of("no answer within " + timeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                return Optional.of(String.valueOf(e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted");
            }
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        } finally {
            // Closing the channel (above) unblocks the worker; this only drops the thread.
            executor.shutdownNow();
        }
    }

    private static String exchange(SocketChannel channel, SocketAddress address) throws IOException {
        channel.connect(address);
        channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        // HTTP/1.0: the daemon closes the connection after its reply.
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // keep reading until the reply is complete
        }
        String response = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        String statusLine = response.lines().findFirst().orElse("nothing");
        String body = response.contains("\r\n\r\n") ? response.substring(response.indexOf("\r\n\r\n") + 4).trim() : "";
        return statusLine.contains(" 200 ") && body.equals("OK") ? "HTTP/1.x OK" : statusLine;
    }

    static SocketAddress addressOf(String endpoint) {
        URI uri = URI.create(endpoint);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        switch (scheme) {
            case "unix":
                return UnixDomainSocketAddress.of(Path.of(uri.getPath()));
            case "tcp":
            case "http":
                if (uri.getHost() == null || uri.getPort() < 0) {
                    throw new IllegalArgumentException("needs host and port, as in tcp://127.0.0.1:2375");
                }
                return new InetSocketAddress(uri.getHost(), uri.getPort());
            default:
                throw new IllegalArgumentException("unsupported scheme \"" + scheme + "\" (this probe reads unix:// and tcp://)");
        }
    }
}
