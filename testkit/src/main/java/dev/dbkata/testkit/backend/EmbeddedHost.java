package dev.dbkata.testkit.backend;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Whether the embedded backend's binaries run on this machine, and why (not). They exist for
 * Linux and macOS on x86-64 and arm64; as root on Linux, PostgreSQL runs only through
 * {@code unshare -U}, so there it also depends on user namespaces being allowed.
 *
 * @param runs whether the embedded backend can start servers here
 * @param why  the reason, in words for the log
 */
public record EmbeddedHost(boolean runs, String why) {

    /**
     * Judges from the JVM's {@code os.name} and {@code os.arch}.
     *
     * @param rootOnLinux  whether this JVM runs as root on Linux
     * @param unshareWorks asked only as root on Linux: whether {@code unshare -U} drops root
     */
    public static EmbeddedHost assess(String osName, String osArch, boolean rootOnLinux, BooleanSupplier unshareWorks) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        boolean linux = os.contains("linux");
        boolean mac = os.contains("mac") || os.contains("darwin");
        String cpu = switch (arch) {
            case "amd64", "x86_64" -> "x86-64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        String platform = osName + "/" + osArch;
        if (!(linux || mac) || cpu == null) {
            return new EmbeddedHost(false, "the embedded binaries exist for Linux and macOS on x86-64 and arm64, not "
                    + platform);
        }
        String where = (linux ? "Linux" : "macOS") + " " + cpu;
        if (rootOnLinux) {
            return unshareWorks.getAsBoolean()
                    ? new EmbeddedHost(true, "the embedded binaries run on " + where + " (as root, through unshare -U)")
                    : new EmbeddedHost(false, "running as root on " + where + ", where PostgreSQL refuses root and"
                            + " `unshare -U` cannot drop it (user namespaces are off, or unshare is missing)");
        }
        return new EmbeddedHost(true, "the embedded binaries run on " + where);
    }
}
