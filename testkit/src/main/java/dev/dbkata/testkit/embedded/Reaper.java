package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Finds run folders whose JVM is gone and has the servers left in them stopped, by the same
 * script the watchdog runs ({@link Watchdog#stopNow}): one stop procedure, not two. A server is
 * only stopped when its command line names the node folder it was started on, so a recycled pid
 * that now belongs to something else is never touched.
 */
final class Reaper {

    static final String OWNER_FILE = "owner";
    static final String REDIS_PID_FILE = "server.pid";

    private final Path runRoot;

    Reaper(Path runRoot) {
        this.runRoot = runRoot;
    }

    /**
     * Reaps every run folder but {@code mine} whose owner is dead; returns how many it emptied and
     * deleted. A folder in which a server survived is kept, and tried again by the next reaper.
     */
    int reapAbandonedRuns(Path mine) {
        if (!Files.isDirectory(runRoot)) {
            return 0;
        }
        int reaped = 0;
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(runRoot, "run-*")) {
            for (Path run : runs) {
                if (!run.equals(mine) && isAbandoned(run) && reapRun(run)) {
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

    /** Stops the servers of an abandoned run with the watchdog's own script; true when its folder is gone. */
    static boolean reapRun(Path run) {
        return Watchdog.stopNow(run);
    }
}
