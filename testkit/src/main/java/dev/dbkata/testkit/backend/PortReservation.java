package dev.dbkata.testkit.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port on 127.0.0.1 that this JVM holds until {@link #close()}.
 *
 * <p>A port that is free now may be taken by another build before our server binds it. Each
 * reservation therefore also holds an exclusive lock on a per-port file shared by every build on
 * the machine, so two builds never hand out the same port; and ports are drawn from 20000-29999,
 * below the range the kernel picks client ports from.
 */
public final class PortReservation implements AutoCloseable {

    private static final int LOW = 20_000;
    private static final int HIGH = 30_000;
    private static final int ATTEMPTS = 200;

    /**
     * Ports this JVM holds. A second channel on a lock file this JVM already locked must never be
     * opened: closing it would release the JVM's lock on that file too.
     */
    private static final java.util.Set<Integer> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final int port;
    private final FileChannel channel;
    private final FileLock lock;

    private PortReservation(int port, FileChannel channel, FileLock lock) {
        this.port = port;
        this.channel = channel;
        this.lock = lock;
    }

    public static PortReservation reserve() {
        // Per user: a folder another user created first would not be writable.
        Path locks = Path.of(System.getProperty("java.io.tmpdir"),
                "dbkata-ports-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_"));
        try {
            Files.createDirectories(locks);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create " + locks + " for port locks: " + e.getMessage(), e);
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (!HELD.add(candidate)) {
                continue;
            }
            PortReservation reservation = tryReserve(locks.resolve(candidate + ".lock"), candidate);
            if (reservation != null) {
                return reservation;
            }
            HELD.remove(candidate);
        }
        throw new IllegalStateException("No free TCP port found on 127.0.0.1 between " + LOW + " and " + HIGH
                + " after " + ATTEMPTS + " tries. Is something holding most of them?");
    }

    private static PortReservation tryReserve(Path lockFile, int port) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null && isBindable(port)) {
                return new PortReservation(port, channel, lock);
            }
        } catch (IOException | OverlappingFileLockException e) {
            // Taken by this JVM or unusable: try another.
        }
        closeQuietly(channel);
        return null;
    }

    static boolean isBindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // The channel is closed below either way, which releases the lock.
        }
        closeQuietly(channel);
        HELD.remove(port);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }
}
