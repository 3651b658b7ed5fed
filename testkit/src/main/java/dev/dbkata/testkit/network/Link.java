package dev.dbkata.testkit.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.dbkata.testkit.backend.PortReservation;

/**
 * A TCP link between clients and one server that a test can slow down, cut or black-hole.
 *
 * <p>Clients connect to {@link #port()}; the link forwards each connection to its target. Faults:
 * <ul>
 * <li>{@link #delay(Duration)} holds every chunk for the delay in each direction (a round trip
 *     grows by twice the delay), optionally with jitter; bytes are never reordered;</li>
 * <li>{@link #limitBandwidth(long)} paces each direction to a number of bytes per second;</li>
 * <li>{@link #cut()} resets established connections (the peers see a reset) and refuses new ones;</li>
 * <li>{@link #blackhole()} accepts connections but moves nothing either way: the link stops
 *     reading, so the peers hang until their own timeouts, and {@link #heal()} resumes the same
 *     streams intact;</li>
 * <li>{@link #heal()} returns to a clean link.</li>
 * </ul>
 * A link refuses while its server refuses (the client's connection is reset at once), and passes
 * an end of stream or a reset from either side on at once.
 *
 * <p>An in-JVM proxy cannot drop a SYN: under {@link #blackhole()} the TCP handshake completes, so
 * a client is bounded by its login and socket timeouts, not its connect timeout.
 */
public final class Link implements AutoCloseable {

    /** What the link does to traffic now. */
    public enum Mode {
        /** Bytes flow (with any delay or bandwidth limit set). */
        FLOWING,
        /** Established connections were reset; new ones are refused. */
        CUT,
        /** Connections are accepted; nothing moves either way. */
        BLACKHOLED
    }

    private final Network network;
    private final String name;
    private final InetAddress bindAddress;
    private final PortReservation reservation;
    private final Set<Pipe> pipes = new LinkedHashSet<>();

    // Written on the selector thread only; volatile so that toString() and the getters read them anywhere.
    private volatile InetSocketAddress target;
    private volatile Mode mode = Mode.FLOWING;
    private volatile long delayNanos;
    private volatile long jitterNanos;
    private volatile long bytesPerSecond;
    private volatile int openConnections;
    private volatile boolean closed;

    private ServerSocketChannel listener;

    private Link(Network network, String name, InetSocketAddress target, InetAddress bindAddress,
                 PortReservation reservation) {
        this.network = network;
        this.name = name;
        this.target = target;
        this.bindAddress = bindAddress;
        this.reservation = reservation;
    }

    /** Runs on the selector thread. */
    static Link open(Network network, String name, InetSocketAddress target, InetAddress bindAddress) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(bindAddress, "bindAddress");
        PortReservation reservation = PortReservation.reserve();
        Link link = new Link(network, name, target, bindAddress, reservation);
        try {
            link.listen();
        } catch (RuntimeException e) {
            reservation.close();
            throw e;
        }
        return link;
    }

    // ---------------------------------------------------------------- the public API

    /** What the link connects, as given when it was made ("client → primary"). */
    public String name() {
        return name;
    }

    /** The port clients connect to. */
    public int port() {
        return reservation.port();
    }

    /** Where the link forwards to. */
    public InetSocketAddress target() {
        return target;
    }

    /** The address the link listens on. */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** What the link does now. */
    public Mode mode() {
        return mode;
    }

    /** The delay each direction gets now (without jitter). */
    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    /** Connections passing through the link now (half-closed ones included). */
    public int connections() {
        return openConnections;
    }

    /** Holds every chunk for {@code delay} in each direction; a round trip grows by twice that. */
    public Link delay(Duration delay) {
        return delay(delay, Duration.ZERO);
    }

    /**
     * Holds every chunk for {@code delay} plus or minus a random part of {@code jitter}, in each
     * direction. A chunk never overtakes the one read before it, so jitter never reorders bytes.
     *
     * @throws IllegalArgumentException for a negative value or one over a minute
     */
    public Link delay(Duration delay, Duration jitter) {
        long d = Links.checkedDuration("The delay of link " + name, delay).toNanos();
        long j = Links.checkedDuration("The jitter of link " + name, jitter).toNanos();
        change(() -> {
            delayNanos = d;
            jitterNanos = j;
        });
        return this;
    }

    /**
     * Paces each direction to {@code bytesPerSecond}.
     *
     * @throws IllegalArgumentException unless it is at least 1 byte per second
     */
    public Link limitBandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("The bandwidth of link " + name + " must be at least 1 byte per second, got "
                    + bytesPerSecond + " (heal() removes a limit; cut() or blackhole() stop all traffic)");
        }
        change(() -> this.bytesPerSecond = bytesPerSecond);
        return this;
    }

    /** Resets every established connection (the peers see a reset) and refuses new ones until {@link #heal()}. */
    public Link cut() {
        change(() -> {
            mode = Mode.CUT;
            for (Pipe pipe : List.copyOf(pipes)) {
                pipe.reset();
            }
            stopListening();
        });
        return this;
    }

    /**
     * Accepts connections but moves nothing either way until {@link #heal()}. Nothing is
     * discarded: the link stops reading, so the streams resume intact when healed.
     */
    public Link blackhole() {
        change(() -> {
            listen();
            mode = Mode.BLACKHOLED;
            pipes.forEach(Pipe::updateInterest);
        });
        return this;
    }

    /** Back to a clean link: no delay, no limit, accepting and forwarding; held bytes go out now. */
    public Link heal() {
        change(() -> {
            listen();
            mode = Mode.FLOWING;
            delayNanos = 0;
            jitterNanos = 0;
            bytesPerSecond = 0;
            for (Pipe pipe : List.copyOf(pipes)) {
                pipe.releaseHeldBytes();
            }
        });
        return this;
    }

    /** True when the link forwards at once: not cut, not black-holed, no delay, no bandwidth limit. */
    public boolean isHealthy() {
        return mode == Mode.FLOWING && delayNanos == 0 && jitterNanos == 0 && bytesPerSecond == 0;
    }

    /**
     * Sends new connections to {@code newTarget} and resets the established ones, which lead to
     * the old target. For the testkit, when a replica follows a new primary.
     */
    public Link retarget(InetSocketAddress newTarget) {
        Objects.requireNonNull(newTarget, "newTarget");
        change(() -> {
            target = newTarget;
            for (Pipe pipe : List.copyOf(pipes)) {
                pipe.reset();
            }
        });
        return this;
    }

    /** Stops listening, resets the connections and frees the port. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            network.call(() -> {
                closeOnReactor();
                return null;
            });
        } finally {
            network.forget(this);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("link ").append(name).append(" (")
                .append(bindAddress.getHostAddress()).append(':').append(port()).append(" → ")
                .append(target.getHostString()).append(':').append(target.getPort()).append("): ");
        if (closed) {
            return text.append("closed").toString();
        }
        switch (mode) {
            case CUT -> text.append("cut");
            case BLACKHOLED -> text.append("black-holed");
            case FLOWING -> text.append(isHealthy() ? "healthy" : "flowing");
        }
        if (delayNanos > 0 || jitterNanos > 0) {
            text.append(", delay ").append(Links.millis(Duration.ofNanos(delayNanos)));
            if (jitterNanos > 0) {
                text.append(" ± ").append(Links.millis(Duration.ofNanos(jitterNanos)));
            }
            text.append(" each way");
        }
        if (bytesPerSecond > 0) {
            text.append(", ").append(bytesPerSecond).append(" bytes/s each way");
        }
        int open = openConnections;
        return text.append(", ").append(open).append(open == 1 ? " connection" : " connections").toString();
    }

    // ---------------------------------------------------------------- selector-thread side

    private void change(Runnable change) {
        if (closed) {
            throw new IllegalStateException("Link " + name + " is closed: its topology was closed");
        }
        network.call(() -> {
            change.run();
            return null;
        });
    }

    Network network() {
        return network;
    }

    long delayNanos() {
        return delayNanos;
    }

    long jitterNanos() {
        return jitterNanos;
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    boolean blackholed() {
        return mode == Mode.BLACKHOLED;
    }

    void opened(Pipe pipe) {
        pipes.add(pipe);
        openConnections = pipes.size();
    }

    void ended(Pipe pipe) {
        pipes.remove(pipe);
        openConnections = pipes.size();
    }

    void closeOnReactor() {
        if (closed) {
            return;
        }
        closed = true;
        stopListening();
        for (Pipe pipe : List.copyOf(pipes)) {
            pipe.reset();
        }
        reservation.close();
    }

    private void listen() {
        if (listener != null) {
            return;
        }
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            // A port whose connections were just reset may still have them in TIME_WAIT.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(bindAddress, port()), 128);
            channel.configureBlocking(false);
            channel.register(network.selector(), SelectionKey.OP_ACCEPT, (Network.Handler) key -> accept());
            listener = channel;
        } catch (IOException e) {
            Links.closeQuietly(channel);
            throw new UncheckedIOException("Link " + name + " cannot listen on " + bindAddress.getHostAddress()
                    + ":" + port() + ": " + e.getMessage(), e);
        }
    }

    private void stopListening() {
        if (listener != null) {
            SelectionKey key = listener.keyFor(network.selector());
            if (key != null) {
                key.cancel();
            }
            Links.closeQuietly(listener);
            listener = null;
        }
    }

    private void accept() {
        while (listener != null) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                System.err.println("[dbkata] " + this + " could not accept a connection: " + e.getMessage());
                return;
            }
            if (client == null) {
                return;
            }
            if (mode == Mode.CUT) {
                Links.reset(client);
                continue;
            }
            Pipe.start(this, client, target);
        }
    }
}
