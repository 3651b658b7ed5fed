package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.dbkata.testkit.backend.Lazy;

/**
 * Which {@code redis-server} to run: {@code -Dkata.redis.server=/path} when set; else the binary
 * that the {@code com.github.codemonstur:embedded-redis} artifact ships for this platform,
 * copied once into the cache; else {@code redis-server} from the PATH.
 */
final class RedisBinary {

    private static final Lazy<Path> PATH = Lazy.of(RedisBinary::locate);

    private RedisBinary() {
    }

    static Path path() {
        return PATH.get();
    }

    private static Path locate() {
        String configured = System.getProperty("kata.redis.server");
        if (configured != null && !configured.isBlank()) {
            Path binary = Path.of(configured);
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("-Dkata.redis.server=" + configured + " is not an executable file");
            }
            return binary;
        }
        String resource = shippedName();
        if (resource != null && RedisBinary.class.getClassLoader().getResource(resource) != null) {
            Path folder = CachedDirectory.obtain(KataDirectories.cacheRoot().resolve("redis-" + PostgresBinaries.shortHash(
                    String.valueOf(RedisBinary.class.getClassLoader().getResource(resource)))), "redis-server", into -> copy(resource, into));
            return folder.resolve("redis-server");
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No redis-server for this platform: the embedded-redis artifact ships none"
                + " and none is on the PATH. Install Redis 6.2 or newer, set -Dkata.redis.server=/path/to/redis-server,"
                + " or run with Docker (-Dkata.backend=docker).");
    }

    private static String shippedName() {
        if (Platform.isLinux()) {
            return Platform.isArm64() ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (Platform.isMac()) {
            return Platform.isArm64() ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        return null;
    }

    private static void copy(String resource, Path folder) throws IOException {
        Path binary = folder.resolve("redis-server");
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
