package dev.dbkata.testkit.backend;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which backend to use, from {@code -Dkata.backend} or {@code KATA_BACKEND}: {@code embedded},
 * {@code docker} or {@code auto} (the default: Docker when a daemon answers at once, embedded
 * otherwise). An explicit {@code docker} without Docker is an error, never a silent fallback.
 *
 * @param backend the backend to use
 * @param reason  why, in words for the log
 */
public record BackendChoice(Kind backend, String reason) {

    public static final String PROPERTY = "kata.backend";
    public static final String ENV = "KATA_BACKEND";

    public enum Kind { EMBEDDED, DOCKER }

    /**
     * Decides. {@code probe} runs only in {@code auto} mode.
     *
     * @throws BackendUnavailableException when the setting is unknown, or Docker was asked for and
     *                                     does not answer
     */
    public static BackendChoice decide(String property, Map<String, String> env, Supplier<DockerProbe.Result> probe) {
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
                            + "=docker) but no Docker daemon answered: " + result.detail() + ".\n"
                            + "Start Docker (or set DOCKER_HOST), or run without Docker: -D" + PROPERTY
                            + "=embedded (the default, auto, picks embedded when Docker is absent).");
                }
                return new BackendChoice(Kind.DOCKER, "docker requested by " + source + "; daemon at " + result.endpoint());
            }
            case "":
            case "auto": {
                DockerProbe.Result result = probe.get();
                return result.available()
                        ? new BackendChoice(Kind.DOCKER, "auto: a Docker daemon answered at " + result.endpoint())
                        : new BackendChoice(Kind.EMBEDDED, "auto: no Docker daemon (" + result.detail() + ")");
            }
            default:
                throw new BackendUnavailableException("Unknown backend \"" + requested + "\" in " + source
                        + ". Use auto, embedded or docker.");
        }
    }
}
