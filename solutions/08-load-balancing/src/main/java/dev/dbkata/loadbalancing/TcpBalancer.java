package dev.dbkata.loadbalancing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A layer-4 balancer for PostgreSQL: a TCP proxy on 127.0.0.1 that gives each client connection to
 * the available server with the fewest connections, then copies bytes both ways. It reads just
 * enough of the protocol to do its job: it declines TLS (answers {@code N} to an SSLRequest or
 * GSSENCRequest), remembers each session's BackendKeyData (process id and secret key), and sends a
 * CancelRequest to the server that runs the session it names.
 *
 * <p>One selector thread does all the work; {@link #close()} closes every connection and ends it.
 */
public final class TcpBalancer implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int BUFFER = 64 * 1024;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final List<Server> servers;
    private final long downForNanos;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread thread;
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    private final Map<String, Long> downUntil = new HashMap<>();
    private final Map<Long, Server> sessionsByKey = new ConcurrentHashMap<>();
    private final Set<Session> sessions = new HashSet<>();
    private int tieBreak;
    private volatile boolean closed;

    /**
     * Starts listening on an ephemeral port of 127.0.0.1.
     *
     * @param downFor how long a server that refused a connection gets no new connection
     */
    public TcpBalancer(List<Server> servers, Duration downFor) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a balancer needs at least one server");
        }
        this.servers = List.copyOf(servers);
        this.downForNanos = downFor.toNanos();
        servers.forEach(s -> connections.put(s.name(), 0));
        try {
            selector = Selector.open();
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the balancer's port", e);
        }
        thread = new Thread(this::loop, "tcp-balancer-" + INSTANCES.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** The port clients connect to, on 127.0.0.1. */
    public int port() {
        return listener.socket().getLocalPort();
    }

    /** Forwarded client sessions per server name, as the balancer counts them. */
    public Map<String, Integer> connections() {
        Map<String, Integer> copy = new LinkedHashMap<>();
        servers.forEach(s -> copy.put(s.name(), connections.getOrDefault(s.name(), 0)));
        return copy;
    }

    /** Stops accepting, closes every client and server connection, and ends its thread. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (!closed) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.channel() == listener) {
                            accept();
                        } else {
                            ((Session) key.attachment()).handle(key);
                        }
                    } catch (CancelledKeyException ignored) {
                        // its session closed earlier in this round
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // nothing more can be served: fall through and close everything
        } finally {
            new ArrayList<>(sessions).forEach(Session::close);
            closeQuietly(listener);
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel client = listener.accept();
        if (client == null) {
            return;
        }
        client.configureBlocking(false);
        client.socket().setTcpNoDelay(true);
        Session session = new Session(client);
        sessions.add(session);
        session.clientKey = client.register(selector, SelectionKey.OP_READ, session);
    }

    /** The available server with the fewest sessions, ties in turn; null when none is left. */
    private Server leastConnected(Set<Server> tried) {
        long now = System.nanoTime();
        Server best = null;
        int fewest = Integer.MAX_VALUE;
        int n = servers.size();
        int start = Math.floorMod(tieBreak++, n);
        for (int i = 0; i < n; i++) {
            Server server = servers.get((start + i) % n);
            Long down = downUntil.get(server.name());
            if (tried.contains(server) || (down != null && now - down < 0)) {
                continue;
            }
            int count = connections.get(server.name());
            if (count < fewest) {
                best = server;
                fewest = count;
            }
        }
        return best;
    }

    private static long keyOf(int pid, int secret) {
        return ((long) pid << 32) | (secret & 0xffffffffL);
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** One client connection, and the server connection it was given. */
    private final class Session {
        private final SocketChannel client;
        private SocketChannel server;
        private SelectionKey clientKey;
        private SelectionKey serverKey;
        private Server target;
        private boolean counted;
        private final Set<Server> tried = new HashSet<>();
        /** Bytes read from the client and not yet written to the server. */
        private final ByteBuffer up = ByteBuffer.allocate(BUFFER);
        /** Bytes read from the server and not yet written to the client. */
        private final ByteBuffer down = ByteBuffer.allocate(BUFFER);
        /** The client's startup packet until the server answers, to replay on another server. */
        private byte[] firstPacket;
        private boolean serverAnswered;
        private boolean piping;
        /** Server messages parsed until BackendKeyData; null once learnt (or not looked for). */
        private ByteBuffer handshake = ByteBuffer.allocate(BUFFER);
        private Long key;

        Session(SocketChannel client) {
            this.client = client;
        }

        void handle(SelectionKey selected) throws IOException {
            try {
                if (selected == serverKey && selected.isConnectable()) {
                    finishConnect();
                    return;
                }
                if (!piping) {
                    readFirstPacket();
                    return;
                }
                if (selected == clientKey) {
                    if (selected.isReadable() && read(client, up)) {
                        return;
                    }
                    if (selected.isWritable()) {
                        write(down, client);
                    }
                } else {
                    if (selected.isReadable() && readFromServer()) {
                        return;
                    }
                    if (selected.isWritable()) {
                        write(up, server);
                    }
                }
                updateInterest();
            } catch (IOException e) {
                if (!serverAnswered && target != null && selected == serverKey) {
                    retryElsewhere();
                } else {
                    close();
                }
            }
        }

        /** Reads the client's first packet: TLS requests are declined, a cancel is routed, a startup picks a server. */
        private void readFirstPacket() throws IOException {
            if (client.read(up) < 0) {
                close();
                return;
            }
            if (up.position() < 8) {
                return;
            }
            int length = up.getInt(0);
            if (length < 8 || length > BUFFER) {
                close();
                return;
            }
            if (up.position() < length) {
                return;
            }
            int code = up.getInt(4);
            if (length == 8 && (code == SSL_REQUEST || code == GSSENC_REQUEST)) {
                up.clear();
                // One byte into an empty socket buffer: a non-blocking write takes it at once.
                client.write(ByteBuffer.wrap(new byte[] {'N'}));
                return;
            }
            piping = true;
            if (length == 16 && code == CANCEL_REQUEST) {
                handshake = null;
                Server owner = sessionsByKey.get(keyOf(up.getInt(8), up.getInt(12)));
                if (owner == null) {
                    close();
                    return;
                }
                connect(owner);
                return;
            }
            firstPacket = new byte[up.position()];
            up.flip();
            up.get(firstPacket);
            up.clear();
            up.put(firstPacket);
            Server chosen = leastConnected(tried);
            if (chosen == null) {
                close();
                return;
            }
            connections.merge(chosen.name(), 1, Integer::sum);
            counted = true;
            connect(chosen);
        }

        private void connect(Server chosen) throws IOException {
            target = chosen;
            tried.add(chosen);
            server = SocketChannel.open();
            server.configureBlocking(false);
            server.socket().setTcpNoDelay(true);
            serverKey = server.register(selector, SelectionKey.OP_CONNECT, this);
            clientKey.interestOps(0);
            try {
                if (server.connect(new InetSocketAddress(chosen.host(), chosen.port()))) {
                    finishConnect();
                }
            } catch (IOException e) {
                retryElsewhere();
            }
        }

        private void finishConnect() throws IOException {
            server.finishConnect();
            updateInterest();
        }

        /** The chosen server refused or hung up before answering: mark it down and replay the startup elsewhere. */
        private void retryElsewhere() {
            downUntil.put(target.name(), System.nanoTime() + downForNanos);
            if (counted) {
                connections.merge(target.name(), -1, Integer::sum);
                counted = false;
            }
            if (serverKey != null) {
                serverKey.cancel();
            }
            closeQuietly(server);
            server = null;
            Server next = firstPacket == null ? null : leastConnected(tried);
            if (next == null) {
                close();
                return;
            }
            up.clear();
            up.put(firstPacket);
            connections.merge(next.name(), 1, Integer::sum);
            counted = true;
            try {
                connect(next);
            } catch (IOException e) {
                retryElsewhere();
            }
        }

        /** Reads what the server sent; true when the session ended. */
        private boolean readFromServer() throws IOException {
            int start = down.position();
            int n = server.read(down);
            if (n < 0) {
                if (!serverAnswered && firstPacket != null) {
                    retryElsewhere();
                } else {
                    close();
                }
                return true;
            }
            if (n > 0) {
                serverAnswered = true;
                firstPacket = null;
                if (handshake != null) {
                    learnKey(down, start, n);
                }
            }
            return false;
        }

        /**
         * Parses the server's first messages until BackendKeyData ('K', then the process id and the
         * secret key). Bytes go in one at a time, so a message is complete exactly when the buffer
         * holds 1 + its length bytes; it is then dropped unless it is the key.
         */
        private void learnKey(ByteBuffer source, int from, int count) {
            for (int i = 0; i < count && handshake != null; i++) {
                handshake.put(source.get(from + i));
                if (handshake.position() < 5) {
                    continue;
                }
                byte type = handshake.get(0);
                int length = handshake.getInt(1);
                if (length < 4 || 1 + length > BUFFER) {
                    handshake = null;
                } else if (handshake.position() == 1 + length) {
                    if (type == 'K' && length >= 12) {
                        key = keyOf(handshake.getInt(5), handshake.getInt(9));
                        sessionsByKey.put(key, target);
                        handshake = null;
                    } else if (type == 'Z' || type == 'E') {
                        handshake = null;
                    } else {
                        handshake.clear();
                    }
                }
            }
        }

        /** Reads from {@code from} into {@code into}; true when the session ended. */
        private boolean read(SocketChannel from, ByteBuffer into) throws IOException {
            if (from.read(into) < 0) {
                close();
                return true;
            }
            return false;
        }

        private void write(ByteBuffer from, SocketChannel to) throws IOException {
            from.flip();
            to.write(from);
            from.compact();
        }

        private void updateInterest() {
            if (server == null || !server.isConnected() || clientKey == null || !clientKey.isValid()
                    || !serverKey.isValid()) {
                return;
            }
            clientKey.interestOps((up.hasRemaining() ? SelectionKey.OP_READ : 0)
                    | (down.position() > 0 ? SelectionKey.OP_WRITE : 0));
            serverKey.interestOps((down.hasRemaining() ? SelectionKey.OP_READ : 0)
                    | (up.position() > 0 ? SelectionKey.OP_WRITE : 0));
        }

        void close() {
            if (!sessions.remove(this)) {
                return;
            }
            if (counted) {
                connections.merge(target.name(), -1, Integer::sum);
                counted = false;
            }
            if (key != null) {
                sessionsByKey.remove(key);
            }
            if (clientKey != null) {
                clientKey.cancel();
            }
            if (serverKey != null) {
                serverKey.cancel();
            }
            closeQuietly(client);
            closeQuietly(server);
        }
    }
}
