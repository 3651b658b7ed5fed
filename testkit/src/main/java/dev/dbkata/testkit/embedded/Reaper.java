package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds run folders whose JVM is gone and stops the servers left in them. A server is only
 * stopped when its command line names the node folder it was started on, so a recycled pid that
 * now belongs to something else is never touched.
 */
final class Reaper {

    static final String OWNER_FILE = "owner";
    static final String REDIS_PID_FILE = "server.pid";
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final Path runRoot;

    Reaper(Path runRoot) {
        this.runRoot = runRoot;
    }

    /** Reaps every run folder but {@code mine} whose owner is dead; returns how many. */
    int reapAbandonedRuns(Path mine) {
        if (!Files.isDirectory(runRoot)) {
            return 0;
        }
        int reaped = 0;
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(runRoot, "run-*")) {
            for (Path run : runs) {
                if (!run.equals(mine) && isAbandoned(run)) {
                    reapRun(run);
                    reaped++;
                }
            }
        } catch (IOException e) {
            // An unreadable root: nothing we can reap.
        }
        return reaped;
    }

    /**
     * A run is abandoned when nobody holds the lock on its owner file: its JVM keeps that lock
     * for life, and the kernel drops it however the JVM ends. No pid or clock comparison is
     * needed, so a live run is never taken for a dead one.
     */
    static boolean isAbandoned(Path run) {
        Path owner = run.resolve(OWNER_FILE);
        try {
            if (!Files.exists(owner)) {
                // Another JVM may have just created the folder; give it a minute to write its name.
                return Files.getLastModifiedTime(run).toInstant().isBefore(Instant.now().minusSeconds(60));
            }
            try (FileChannel channel = FileChannel.open(owner, StandardOpenOption.WRITE);
                 FileLock lock = channel.tryLock()) {
                return lock != null;
            }
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    static void reapRun(Path run) {
        List<ProcessHandle> stopping = new ArrayList<>();
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(run, Files::isDirectory)) {
            for (Path node : nodes) {
                serverOf(node.resolve("data").resolve("postmaster.pid"), node.resolve("data").toString()).ifPresent(postmaster -> {
                    Signals.send("CONT", Signals.treeOf(postmaster));
                    Signals.send("QUIT", postmaster.pid());
                    stopping.add(postmaster);
                });
                serverOf(node.resolve(REDIS_PID_FILE), null).ifPresent(redis -> {
                    Signals.send("KILL", Signals.treeOf(redis));
                    stopping.add(redis);
                });
            }
        } catch (IOException e) {
            // Unreadable: delete what we can below.
        }
        Instant deadline = Instant.now().plus(GRACE);
        for (ProcessHandle process : stopping) {
            List<Long> tree = Signals.treeOf(process);
            try {
                process.onExit().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception timeoutOrInterrupt) {
                Signals.send("KILL", tree);
            }
        }
        FileTrees.deleteQuietly(run);
    }

    /**
     * The live process whose pid a pid file holds, if its command line carries the node's mark:
     * for PostgreSQL its data directory; for Redis, which rewrites its command line to
     * {@code redis-server 127.0.0.1:port}, the port written after the pid.
     */
    static Optional<ProcessHandle> serverOf(Path pidFile, String mark) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            String[] first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim().split("\\s+");
            long pid = Long.parseLong(first[0]);
            String expected = mark != null ? mark : "127.0.0.1:" + first[1];
            return ProcessHandle.of(pid).filter(p -> commandLineOf(p).contains(expected));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The full command line; /proc has it even where ProcessHandle.Info leaves it out. */
    private static String commandLineOf(ProcessHandle process) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(cmdline)) {
                return new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            // fall back below
        }
        return process.info().commandLine().orElse("");
    }
}
