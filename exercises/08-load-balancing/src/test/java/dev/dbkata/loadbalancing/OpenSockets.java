package dev.dbkata.loadbalancing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The TCP sockets this JVM holds open, read from Linux's {@code /proc}: each open descriptor that
 * is a socket, matched by inode to its row in {@code /proc/net/tcp} and {@code tcp6} (ports in hex).
 * Elsewhere {@link #supported()} is false and the tests skip the count.
 */
final class OpenSockets {

    record Socket(int localPort, int remotePort) {
    }

    private OpenSockets() {
    }

    static boolean supported() {
        return Files.isDirectory(Path.of("/proc/self/fd")) && Files.isReadable(Path.of("/proc/net/tcp"));
    }

    /** Open sockets of this JVM whose local port or remote port matches. */
    static List<Socket> matching(IntPredicate localPort, IntPredicate remotePort) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
            List<Socket> found = new ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path path = Path.of(table);
                if (!Files.isReadable(path)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(path);
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 10 || !inodes.contains(f[9])) {
                        continue;
                    }
                    Socket s = new Socket(port(f[1]), port(f[2]));
                    if (localPort.test(s.localPort()) || remotePort.test(s.remotePort())) {
                        found.add(s);
                    }
                }
            }
            return found;
        } catch (IOException e) {
            throw new IllegalStateException("could not read /proc: " + e.getMessage(), e);
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
