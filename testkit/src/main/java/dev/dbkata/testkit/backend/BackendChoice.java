package dev.dbkata.testkit.backend;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which backend to use, from {@code -Dkata.backend} or {@code KATA_BACKEND}: {@code embedded},
 * {@code docker} or {@code auto}. {@code auto}, the default, takes the embedded backend wherever its
 * binaries run (Linux and macOS on x86-64 and arm64, as root through {@code unshare -U}): it starts
 * faster than containers and needs no image pulls. Docker is taken only where they cannot run, or
 * when asked for. An explicit {@code docker} without Docker is an error, never a silent fallback.
 *
 * @param backend the backend to use
 * @param reason  why, in words for the log
 */
public record BackendChoice(Kind backend, String reason) {

    public static final String PROPERTY = "kata.backend";
    public static final String ENV = "KATA_BACKEND";

    public enum Kind { EMBEDDED, DOCKER }

    /** Set by {@code kata ... -v}: say every reason in full (each Docker endpoint tried and why). */
    public static final String VERBOSE_PROPERTY = "kata.verbose";
    public static final String VERBOSE_ENV = "KATA_VERBOSE";

    /** Whether the reasons are wanted in full: {@code -Dkata.verbose=true} or {@code KATA_VERBOSE=1} (or true, yes). */
    public static boolean verbose(Map<String, String> env) {
        List<String> yes = List.of("1", "true", "yes");
        return yes.contains(System.getProperty(VERBOSE_PROPERTY, "").trim().toLowerCase(Locale.ROOT))
                || yes.contains(env.getOrDefault(VERBOSE_ENV, "").trim().toLowerCase(Locale.ROOT));
    }

    /** The reason in a few words, for one short line: up to its first colon or semicolon ({@code auto}). */
    public static String brief(String reason) {
        return reason.split("[:;]", 2)[0].strip();
    }

    /**
     * Decides. {@code embedded} is asked only in {@code auto} mode; {@code probe} only when Docker
     * was asked for, or {@code auto} finds that the embedded binaries cannot run here.
     *
     * @throws BackendUnavailableException when the setting is unknown, Docker was asked for and
     *                                     does not answer, or {@code auto} finds neither backend
     */
    public static BackendChoice decide(String property, Map<String, String> env, Supplier<EmbeddedHost> embedded,
            Supplier<DockerProbe.Result> probe) {
        String fromProperty = property == null ? "" : property.trim();
        String fromEnv = env.getOrDefault(ENV, "").trim();
        String requested = !fromProperty.isEmpty() ? fromProperty : fromEnv;
        String source = !fromProperty.isEmpty() ? "-D" + PROPERTY : !fromEnv.isEmpty() ? ENV : "default";
        switch (requested.toLowerCase(Locale.ROOT)) {
            case "embedded":
                return new BackendChoice(Kind.EMBEDDED, "embedded requested by " + source);
            case "docker": {
                DockerProbe.Result result = probe.get();
                if (!result.available()) {
                    throw new BackendUnavailableException("The docker backend was requested (" + source
                            + "=docker) but no Docker daemon answered: " + result.reasons(verbose(env)) + ".\n"
                            + "Start Docker (or set DOCKER_HOST), or run without Docker: -D" + PROPERTY
                            + "=embedded (the default, auto, picks embedded wherever its binaries run).");
                }
                return new BackendChoice(Kind.DOCKER, "docker requested by " + source + "; daemon at " + result.endpoint());
            }
            case "":
            case "auto": {
                EmbeddedHost host = embedded.get();
                if (host.runs()) {
                    return new BackendChoice(Kind.EMBEDDED, "auto: " + host.why()
                            + "; Docker only where they cannot, or with -D" + PROPERTY + "=docker");
                }
                DockerProbe.Result result = probe.get();
                if (!result.available()) {
                    throw new BackendUnavailableException("No backend can start servers here: " + host.why()
                            + ", and no Docker daemon answered (" + result.reasons(verbose(env)) + "). Start Docker (or set"
                            + " DOCKER_HOST) and run again.");
                }
                return new BackendChoice(Kind.DOCKER, "auto: " + host.why() + "; a Docker daemon answered at "
                        + result.endpoint());
            }
            default:
                throw new BackendUnavailableException("Unknown backend \"" + requested + "\" in " + source
                        + ". Use auto, embedded or docker.");
        }
    }
}
