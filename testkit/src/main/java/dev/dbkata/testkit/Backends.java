package dev.dbkata.testkit;

import java.lang.System.Logger.Level;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.BackendChoice;
import dev.dbkata.testkit.backend.DockerProbe;
import dev.dbkata.testkit.backend.Lazy;
import dev.dbkata.testkit.docker.DockerBackend;
import dev.dbkata.testkit.embedded.EmbeddedBackend;

/**
 * The backend this JVM uses, chosen once from {@code -Dkata.backend} / {@code KATA_BACKEND}
 * ({@code auto}, {@code embedded} or {@code docker}) and logged with the reason. {@code auto} takes
 * the embedded backend wherever its binaries run, Docker elsewhere (see {@link BackendChoice}).
 */
public final class Backends {

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final Lazy<BackendChoice> CHOICE = Lazy.of(() -> {
        BackendChoice decided = BackendChoice.decide(System.getProperty(BackendChoice.PROPERTY),
                System.getenv(), EmbeddedBackend::host, () -> DockerProbe.ofSystem().probe());
        LOG.log(Level.INFO, "Database backend: {0} ({1})", decided.backend(),
                BackendChoice.verbose(System.getenv()) ? decided.reason() : BackendChoice.brief(decided.reason()));
        return decided;
    });
    private static final Lazy<Backend> CURRENT = Lazy.of(() ->
            CHOICE.get().backend() == BackendChoice.Kind.DOCKER ? new DockerBackend() : new EmbeddedBackend());

    private Backends() {
    }

    static Backend current() {
        return CURRENT.get();
    }

    /** {@code embedded} or {@code docker}: the backend in use, deciding now if nothing started yet. */
    public static String currentName() {
        return current().name();
    }

    /** Why the backend was chosen, for reports. */
    public static String reason() {
        return CHOICE.get().reason();
    }

    /**
     * Decides afresh from the settings and this machine, starting nothing: for a tool that hands
     * the decision on to test JVMs of its own (as the grader does), so that all of them agree.
     *
     * @throws InfrastructureException when the setting is unknown, or Docker was asked for and
     *                                 does not answer (the message says what to do)
     */
    public static Decision decide() {
        BackendChoice choice = BackendChoice.decide(System.getProperty(BackendChoice.PROPERTY), System.getenv(),
                EmbeddedBackend::host, () -> DockerProbe.ofSystem().probe());
        return new Decision(choice.backend().name().toLowerCase(java.util.Locale.ROOT), choice.reason());
    }

    /**
     * A backend decision.
     *
     * @param name   {@code embedded} or {@code docker}, the value {@code -Dkata.backend} takes
     * @param reason why, in words for a log or a report
     */
    public record Decision(String name, String reason) {

        /** The reason in full with {@code -v} ({@code kata.verbose}, {@code KATA_VERBOSE}), else in a few words. */
        public String reasonToShow() {
            return BackendChoice.verbose(System.getenv()) ? reason
                    : BackendChoice.brief(reason) + "; -v says why";
        }
    }
}
