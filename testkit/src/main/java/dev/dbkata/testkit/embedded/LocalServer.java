package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.backend.PortReservation;
import dev.dbkata.testkit.backend.ServerProcess;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A server run as a child process of this JVM, in a node folder of the {@link RunDirectory}.
 * Subclasses say how to start it, how to ask whether it answers and which signals stop it.
 */
abstract class LocalServer implements ServerProcess {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    protected final String name;
    protected final Path folder;
    protected final PortReservation port;
    protected final Path log;
    private Process process;
    private boolean frozen;
    private boolean closed;

    LocalServer(String name, Path folder, PortReservation port) {
        this.name = name;
        this.folder = folder;
        this.port = port;
        this.log = folder.resolve("server.log");
        RunDirectory.current().track(this);
    }

    /** The command that runs the server in the foreground. */
    abstract List<String> command();

    /** One quick attempt to talk to the server; true when it answered. */
    abstract boolean answers();

    /** The signal for an immediate, unclean stop. */
    abstract String crashSignal();

    /** The signal for a clean, fast stop. */
    abstract String stopSignal();

    /** Called right after the process started, before it answers. */
    void started(Process process) {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port.port();
    }

    synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " was closed; start a new topology instead");
        }
        try {
            process = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + " (" + String.join(" ", command()) + "): "
                    + e.getMessage(), e);
        }
        started(process);
        Process starting = process;
        try {
            Awaitility.await(name + " to accept connections on port " + port())
                    .atMost(START_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        if (!starting.isAlive()) {
                            throw startFailure("exited with code " + starting.exitValue());
                        }
                        return answers();
                    });
        } catch (ConditionTimeoutException e) {
            throw startFailure("did not accept connections within " + START_TIMEOUT.toSeconds() + " s");
        }
    }

    private IllegalStateException startFailure(String what) {
        String tail = LogTail.of(log, 15);
        String hint = tail.contains("Address already in use") || tail.contains("could not bind")
                ? "\nPort " + port() + " was taken by another program after the testkit reserved it. Run again;"
                        + " if it keeps happening, find what listens there (ss -ltnp | grep " + port() + ")."
                : "";
        return new IllegalStateException(name + " " + what + ". Last lines of " + log + ":\n" + tail + hint);
    }

    @Override
    public synchronized void crash() {
        if (!isRunning()) {
            return;
        }
        thaw();
        Signals.send(crashSignal(), process.pid());
        awaitExit(Duration.ofSeconds(10));
    }

    @Override
    public synchronized void freeze() {
        if (!isRunning() || frozen) {
            return;
        }
        ProcessHandle root = process.toHandle();
        // The parent first, so that it forks no new child while the children are being stopped.
        Signals.send("STOP", root.pid());
        Signals.send("STOP", Signals.treeOf(root));
        frozen = true;
    }

    @Override
    public synchronized void thaw() {
        if (!frozen) {
            return;
        }
        List<Long> tree = Signals.treeOf(process.toHandle());
        // Children first, so that the parent finds them running when it wakes.
        Signals.send("CONT", tree.subList(1, tree.size()));
        Signals.send("CONT", tree.get(0));
        frozen = false;
    }

    @Override
    public synchronized void restart() {
        if (isRunning()) {
            thaw();
            Signals.send(stopSignal(), process.pid());
            awaitExit(STOP_TIMEOUT);
        }
        start();
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized boolean isFrozen() {
        return frozen;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            crash();
        } catch (RuntimeException signalFailed) {
            killTree();
        }
        if (process != null && process.isAlive()) {
            // Keep the pid file and the port lock, so that the watchdog or the reaper can still
            // find this server; deleting them would orphan it for good.
            throw new IllegalStateException(name + " (pid " + process.pid() + ") would not stop; it is left"
                    + " for the reaper. Stop it with: kill -9 " + process.pid());
        }
        port.close();
        FileTrees.deleteQuietly(folder);
        RunDirectory.current().untrack(this);
    }

    /** SIGKILL from Java itself, for when kill(1) is missing or failed. */
    private void killTree() {
        if (process == null) {
            return;
        }
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the process to end, then kills whatever of its tree is left. */
    private void awaitExit(Duration timeout) {
        List<Long> tree = Signals.treeOf(process.toHandle());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                tree.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tree.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Override
    public String toString() {
        return name + "@" + host() + ":" + port();
    }
}
