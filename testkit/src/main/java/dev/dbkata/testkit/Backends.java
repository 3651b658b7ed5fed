package dev.dbkata.testkit;

import java.lang.System.Logger.Level;

import dev.dbkata.testkit.backend.Backend;
import dev.dbkata.testkit.backend.BackendChoice;
import dev.dbkata.testkit.backend.DockerProbe;
import dev.dbkata.testkit.docker.DockerBackend;
import dev.dbkata.testkit.embedded.EmbeddedBackend;

/**
 * The backend this JVM uses, chosen once from {@code -Dkata.backend} / {@code KATA_BACKEND}
 * ({@code auto}, {@code embedded} or {@code docker}) and logged with the reason.
 */
public final class Backends {

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static volatile Backend current;
    private static volatile BackendChoice choice;

    private Backends() {
    }

    static Backend current() {
        Backend found = current;
        if (found == null) {
            synchronized (Backends.class) {
                if (current == null) {
                    BackendChoice decided = BackendChoice.decide(System.getProperty(BackendChoice.PROPERTY),
                            System.getenv(), () -> DockerProbe.ofSystem().probe());
                    LOG.log(Level.INFO, "Database backend: {0} ({1})", decided.backend(), decided.reason());
                    current = decided.backend() == BackendChoice.Kind.DOCKER ? new DockerBackend() : new EmbeddedBackend();
                    choice = decided;
                }
                found = current;
            }
        }
        return found;
    }

    /** {@code embedded} or {@code docker}: the backend in use, deciding now if nothing started yet. */
    public static String currentName() {
        return current().name();
    }

    /** Why the backend was chosen, for reports. */
    public static String reason() {
        current();
        return choice.reason();
    }
}
