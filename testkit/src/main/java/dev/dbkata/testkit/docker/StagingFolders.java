package dev.dbkata.testkit.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

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
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A leftover temporary folder holds no server; the next cleaner of the temp folder takes it.
        }
        root = null;
    }
}
