package dev.dbkata.testkit.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.dbkata.testkit.backend.FileTrees;

/** Temporary folders on this machine for one topology's start, all deleted by {@link #close()}. */
final class StagingFolders implements AutoCloseable {

    private Path root;

    /** A new empty folder named {@code name}. */
    synchronized Path folder(String name) {
        try {
            if (root == null) {
                root = Files.createTempDirectory("dbkata-docker-staging");
            }
            return Files.createDirectory(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a staging folder for " + name, e);
        }
    }

    @Override
    public synchronized void close() {
        if (root == null) {
            return;
        }
        // A leftover temporary folder holds no server; the next cleaner of the temp folder takes it.
        FileTrees.deleteQuietly(root);
        root = null;
    }
}
