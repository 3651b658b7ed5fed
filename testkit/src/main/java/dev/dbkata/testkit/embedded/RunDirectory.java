package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dbkata.testkit.backend.FileTrees;
import dev.dbkata.testkit.backend.Lazy;
import dev.dbkata.testkit.backend.Parallel;

/**
 * The folder in which this JVM keeps the data of the servers it runs, and the guarantees that no
 * server outlives it:
 * <ol>
 *   <li>a shutdown hook stops every server still open when the JVM exits normally or is
 *       terminated;</li>
 *   <li>a watchdog process, started once, stops them within about a second if the JVM dies
 *       without running its hooks ({@code kill -9}, a crash);</li>
 *   <li>at start, the {@link Reaper} stops servers of earlier JVMs that are gone, in case even the
 *       watchdog could not (it was killed too, or the machine rebooted mid-run).</li>
 * </ol>
 */
final class RunDirectory {

    private static final System.Logger LOG = System.getLogger(RunDirectory.class.getName());
    private static final Lazy<RunDirectory> CURRENT = Lazy.of(RunDirectory::create);

    /** Held for the JVM's life: the kernel drops the lock however the JVM ends, which is how the reaper knows. */
    private static java.nio.channels.FileLock ownerLock;
    /** Held for the JVM's life: the watchdog's stdin reaches end-of-file when this JVM dies. */
    private static Process watchdog;

    private final Path root;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger topologies = new AtomicInteger();

    private RunDirectory(Path root) {
        this.root = root;
    }

    static RunDirectory current() {
        return CURRENT.get();
    }

    private static RunDirectory create() {
        Path runRoot = KataDirectories.runRoot();
        ProcessHandle self = ProcessHandle.current();
        Instant started = self.info().startInstant().orElse(Instant.EPOCH);
        Path root = runRoot.resolve("run-" + self.pid() + "-" + started.toEpochMilli());
        try {
            Files.createDirectories(root);
            // The owner file appears already locked: written and locked under another name, then
            // renamed (the lock belongs to the file, not its name). A reaper of another JVM that
            // saw it unlocked for an instant would take this live run for an abandoned one.
            Path pending = root.resolve(Reaper.OWNER_FILE + ".pending");
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(pending,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            ownerLock = channel.lock();
            channel.write(java.nio.ByteBuffer.wrap((self.pid() + " " + started.toEpochMilli() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            Files.move(pending, root.resolve(Reaper.OWNER_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the folder for database servers, " + root + ": "
                    + e.getMessage() + ". Free some space or point -Dkata.run.dir at a writable folder.", e);
        }
        int reaped = new Reaper(runRoot).reapAbandonedRuns(root);
        if (reaped > 0) {
            LOG.log(Level.INFO, "Stopped servers left by {0} earlier test JVM(s) that died without cleaning up", reaped);
        }
        RunDirectory run = new RunDirectory(root);
        Runtime.getRuntime().addShutdownHook(new Thread(run::closeEverything, "dbkata-shutdown"));
        if (!"false".equals(System.getProperty("kata.watchdog"))) {
            startWatchdog(root);
        }
        return run;
    }

    Path root() {
        return root;
    }

    /** A fresh, empty folder for one node; topology ids keep names apart across restarts. */
    Path newNodeFolder(String topologyId, String nodeName) {
        Path folder = root.resolve(topologyId + "-" + nodeName);
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + folder + ": " + e.getMessage(), e);
        }
    }

    String newTopologyId() {
        return "t" + topologies.incrementAndGet();
    }

    /** Remembers a server so that the shutdown hook closes it if nobody else does. */
    void track(AutoCloseable server) {
        open.add(server);
    }

    void untrack(AutoCloseable server) {
        open.remove(server);
    }

    private void closeEverything() {
        List<AutoCloseable> servers = new ArrayList<>(open);
        Parallel.run("dbkata-shutdown", servers.stream().map(server -> (Runnable) () -> {
            try {
                server.close();
            } catch (Exception e) {
                // Best effort at exit; the watchdog and the reaper catch what remains.
            }
        }).toList());
        // A server that would not stop is still tracked: its folder is kept, so that the watchdog
        // (which runs when this JVM is gone) or a later reaper can still find and stop it.
        if (open.isEmpty()) {
            FileTrees.deleteQuietly(root);
        }
    }

    /** See {@link Watchdog#watch}: where there is a POSIX shell. */
    private static void startWatchdog(Path root) {
        if (!Platform.isLinux() && !Platform.isMac()) {
            return;
        }
        try {
            watchdog = Watchdog.watch(root);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not start the watchdog ({0}); servers of a JVM killed with kill -9"
                    + " will be stopped by the next run instead", e.getMessage());
        }
    }
}
