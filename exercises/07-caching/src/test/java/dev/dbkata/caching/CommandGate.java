package dev.dbkata.caching;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.dbkata.testkit.RedisNode;
import dev.dbkata.testkit.Waits;

/**
 * A small proxy between one repository and Redis that reads the commands it carries and holds the
 * first one that writes a given key (a {@code SET}, a script naming it, anything but a plain read)
 * until the test lets it go. Commands before it, on every connection, pass untouched; so do the
 * replies. The test then decides what happens between a reader's last look at Redis and its
 * write: something no timing can promise.
 */
final class CommandGate implements AutoCloseable {

    /** A held command goes on by itself after this, so that a failing test never leaves a thread behind. */
    private static final Duration LONGEST_HOLD = Duration.ofSeconds(10);
    private static final List<String> READS = List.of("GET", "MGET", "EXISTS", "PTTL", "TTL", "TYPE", "STRLEN");

    private final String key;
    private final InetAddress redisHost;
    private final int redisPort;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "command-gate");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicBoolean taken = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch answered = new CountDownLatch(1);
    private volatile String heldCommand;
    private volatile Socket heldServer;
    private volatile boolean heldForwarded;

    private CommandGate(RedisNode redis, String key) throws IOException {
        this.key = key;
        this.redisHost = InetAddress.getByName(redis.hostAndPort().getHost());
        this.redisPort = redis.hostAndPort().getPort();
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** A gate in front of {@code redis} that holds the first command writing {@code key}. */
    static CommandGate holdingFirstWriteOf(RedisNode redis, String key) throws IOException {
        return new CommandGate(redis, key);
    }

    /** Where the repository under test should connect. */
    URI uri() {
        return URI.create("redis://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort());
    }

    /** Waits until a command is held, or {@code caller} is done; true when a command is held. */
    boolean awaitHeld(Future<?> caller) {
        Waits.until("a command writing " + key + " to reach the gate", Duration.ofSeconds(10),
                () -> held.getCount() == 0 || caller.isDone());
        return held.getCount() == 0;
    }

    /** The command held, as text (script bodies shortened). */
    String heldCommand() {
        return heldCommand;
    }

    void release() {
        released.countDown();
    }

    /**
     * Waits until Redis has answered the command that was held, so that it has run before the
     * test looks; the client may have given up on the answer already (its own timeout).
     */
    void awaitAnswered() {
        if (held.getCount() == 0) {
            Waits.until("Redis to run the command the gate held (" + heldCommand + ")", Duration.ofSeconds(10),
                    () -> answered.getCount() == 0);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(redisHost, redisPort);
                sockets.add(client);
                sockets.add(server);
                threads.execute(() -> forwardCommands(client, server));
                threads.execute(() -> copy(server, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void forwardCommands(Socket client, Socket server) {
        // Not try-with-resources: closing either stream closes its socket, and the server side
        // must stay open until the held command's answer has come back.
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = server.getOutputStream();
            while (true) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                List<String> args = readCommand(in, raw);
                if (args == null) {
                    return;
                }
                boolean holding = writesTheKey(args) && taken.compareAndSet(false, true);
                if (holding) {
                    heldCommand = describe(args);
                    heldServer = server;
                    held.countDown();
                    released.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
                    // The client has had every earlier answer and waits for this one (or has given
                    // up on it): the next bytes from Redis on this connection are its reply.
                    heldForwarded = true;
                }
                out.write(raw.toByteArray());
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The client went away (a client that gave up on the held command closes its
            // connection); the held command's answer is still on its way from Redis.
        } finally {
            if (server == heldServer) {
                try {
                    answered.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private boolean writesTheKey(List<String> args) {
        return !args.isEmpty() && !READS.contains(args.get(0).toUpperCase()) && args.subList(1, args.size()).contains(key);
    }

    private static String describe(List<String> args) {
        List<String> shown = new ArrayList<>();
        for (String arg : args) {
            shown.add(arg.length() > 40 ? arg.substring(0, 37).replaceAll("\\s+", " ") + "..." : arg);
        }
        return String.join(" ", shown);
    }

    /** One RESP command (an array of bulk strings), its bytes copied to {@code raw}; null at the end of the stream. */
    private static List<String> readCommand(InputStream in, ByteArrayOutputStream raw) throws IOException {
        String header = readLine(in, raw);
        if (header == null) {
            return null;
        }
        List<String> args = new ArrayList<>();
        if (!header.startsWith("*")) {
            // An inline command: forward it as it is.
            args.add(header.split(" ")[0]);
            return args;
        }
        int count = Integer.parseInt(header.substring(1));
        for (int i = 0; i < count; i++) {
            String length = readLine(in, raw);
            if (length == null) {
                return null;
            }
            int n = Integer.parseInt(length.substring(1));
            byte[] data = in.readNBytes(n + 2);
            if (data.length < n + 2) {
                return null;
            }
            raw.write(data);
            args.add(new String(data, 0, n, StandardCharsets.UTF_8));
        }
        return args;
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            raw.write(b);
            if (previous == '\r' && b == '\n') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
            previous = b;
        }
    }

    private void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (from == heldServer && heldForwarded && n > 0) {
                    answered.countDown();
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The other side closed: the connection is over.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        listener.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
