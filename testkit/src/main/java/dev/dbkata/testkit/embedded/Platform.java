package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.backend.Lazy;

/** Facts about the machine that decide how servers are started. */
final class Platform {

    private static final Lazy<Boolean> UNSHARE_WORKS = Lazy.of(Platform::probeUnshare);

    private Platform() {
    }

    static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    static boolean isMac() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.contains("mac") || os.contains("darwin");
    }

    static boolean isArm64() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("aarch64") || arch.equals("arm64");
    }

    /** Whether this JVM runs as root on Linux, where PostgreSQL refuses to start as is. */
    static boolean isRootOnLinux() {
        if (!isLinux()) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * The words to put before a PostgreSQL command. As root, {@code unshare -U} runs it in a new
     * user namespace where it is an unprivileged user, which PostgreSQL accepts; elsewhere none.
     *
     * @throws IllegalStateException when running as root and {@code unshare -U} does not work
     */
    static List<String> unprivilegedPrefix() {
        if (!isRootOnLinux()) {
            return List.of();
        }
        if (!UNSHARE_WORKS.get()) {
            throw new IllegalStateException("PostgreSQL refuses to run as root, and this machine cannot"
                    + " drop root with `unshare -U` (it is missing, or user namespaces are disabled, as in"
                    + " an unprivileged container). Run the build as a normal user, or use Docker"
                    + " (-Dkata.backend=docker).");
        }
        return List.of("unshare", "-U");
    }

    /** Whether {@code unshare -U} runs a command as a user other than root here (asked once per JVM). */
    static boolean unshareWorks() {
        return UNSHARE_WORKS.get();
    }

    private static boolean probeUnshare() {
        try {
            Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 && !out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
