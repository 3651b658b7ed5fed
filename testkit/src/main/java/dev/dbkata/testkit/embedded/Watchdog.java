package dev.dbkata.testkit.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.backend.Lazy;

/**
 * The one way servers of a run folder are stopped when their JVM is gone: {@code watchdog.sh}.
 * It runs as a watchdog beside a live JVM ({@link #watch}), and the {@link Reaper} of a later
 * JVM runs the same script with its stdin already closed ({@link #stopNow}), so the two can never
 * disagree on which process is a server, which signals stop it, or when the folder may go.
 */
final class Watchdog {

    /** The script's own waits are 5 s for the first signal and 5 s after SIGKILL; this is a backstop. */
    private static final long STOP_NOW_TIMEOUT_SECONDS = 30;

    private static final Lazy<String> SCRIPT = Lazy.of(Watchdog::readScript);

    private Watchdog() {
    }

    /**
     * Starts the script beside this JVM: it learns of the JVM's end from its stdin, a pipe this JVM
     * holds open (the pipe closes however the JVM dies, with no pid or clock to get wrong). It runs
     * in its own session, so that the signal that killed the JVM's process group does not kill it.
     *
     * @return the watchdog process; keep it referenced for the JVM's life
     */
    static Process watch(Path run) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
            command.add("setsid");
        }
        command.addAll(command(run, "dbkata-watchdog"));
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /**
     * Stops the servers left in {@code run} now and deletes the folder once all are gone.
     *
     * @return true when the folder is gone; false when a server survived (the folder, with the pid
     *         files that lead to it, is kept for the next attempt) or the script could not run
     */
    static boolean stopNow(Path run) {
        try {
            Process script = new ProcessBuilder(command(run, "dbkata-reaper"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!script.waitFor(STOP_NOW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                script.destroyForcibly();
                return false;
            }
            return script.exitValue() == 0 && !Files.exists(run);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> command(Path run, String name) {
        return List.of("sh", "-c", SCRIPT.get(), name, run.toString());
    }

    private static String readScript() {
        try (InputStream script = Watchdog.class.getResourceAsStream("watchdog.sh")) {
            if (script == null) {
                throw new IllegalStateException("watchdog.sh is missing from the testkit jar");
            }
            return new String(script.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read watchdog.sh from the testkit jar: " + e.getMessage(), e);
        }
    }
}
