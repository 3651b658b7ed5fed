package dev.dbkata.testkit.embedded;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the embedded backend keeps things.
 *
 * <ul>
 *   <li>The <em>cache</em> holds what is expensive to make and never changes: unpacked binaries
 *       and the {@code initdb} template, in {@code ~/.cache/dbkata}. It survives builds.
 *       {@code -Dkata.cache.dir} moves it.</li>
 *   <li>The <em>run root</em> holds the data directories of running servers, one folder per JVM.
 *       It is in RAM ({@code /dev/shm}) where there is one: copying a data directory to disk costs
 *       more than everything else a start does. {@code -Dkata.run.dir} moves it.</li>
 * </ul>
 */
final class KataDirectories {

    private KataDirectories() {
    }

    static Path cacheRoot() {
        String configured = System.getProperty("kata.cache.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        // In the home folder: temp cleaners prune old files from /tmp, and other users can write there.
        Path home = Path.of(System.getProperty("user.home", ""));
        if (!home.toString().isEmpty() && Files.isDirectory(home) && Files.isWritable(home)) {
            return home.resolve(".cache").resolve("dbkata");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "dbkata-cache-" + userTag());
    }

    static Path runRoot() {
        String configured = System.getProperty("kata.run.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm) && usableBytes(shm) >= 2L * 1024 * 1024 * 1024) {
            return shm.resolve("dbkata-" + userTag());
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "dbkata-runs-" + userTag());
    }

    /** Docker gives containers 64 MB of /dev/shm: too little for a cluster, so it is used only when large. */
    private static long usableBytes(Path path) {
        try {
            return Files.getFileStore(path).getUsableSpace();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static String userTag() {
        return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
