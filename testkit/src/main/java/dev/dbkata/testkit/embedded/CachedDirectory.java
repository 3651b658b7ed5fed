package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.dbkata.testkit.backend.FileTrees;

/**
 * A directory in the cache that is built once and then only read, safely shared by JVMs that
 * race to build it: each builds into a private folder and renames it into place atomically; the
 * loser throws its copy away.
 */
final class CachedDirectory {

    /** Builds the content of a cache directory into the (empty) folder it is given. */
    @FunctionalInterface
    interface Builder {
        void buildInto(Path emptyFolder) throws IOException;
    }

    private CachedDirectory() {
    }

    /**
     * @param mustExist a file inside the directory that proves it whole; when a temp cleaner
     *                  deleted it, the directory is built again instead of failing later
     */
    static Path obtain(Path target, String mustExist, Builder builder) {
        if (Files.isDirectory(target)) {
            if (Files.exists(target.resolve(mustExist))) {
                return target;
            }
            FileTrees.deleteQuietly(target);
        }
        Path scratch = target.resolveSibling(target.getFileName() + ".building-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        try {
            Files.createDirectories(scratch);
            builder.buildInto(scratch);
            try {
                Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException moveFailed) {
                // Renaming onto a directory that another JVM put there first fails, with an
                // exception type that varies by platform; only then is the failure harmless.
                if (!Files.isDirectory(target)) {
                    throw moveFailed;
                }
                FileTrees.deleteQuietly(scratch);
            }
            return target;
        } catch (IOException e) {
            FileTrees.deleteQuietly(scratch);
            throw new UncheckedIOException("Could not prepare " + target + ": " + e.getMessage()
                    + ". Check free space and permissions there, or move the cache with -Dkata.cache.dir=...", e);
        }
    }
}
