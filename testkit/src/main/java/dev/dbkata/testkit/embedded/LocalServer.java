package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.backend.FileTrees;
import dev.dbkata.testkit.backend.ManagedServer;
import dev.dbkata.testkit.backend.PortReservation;

/**
 * A server run as a child process of this JVM, in a node folder of the {@link RunDirectory}.
 * Its life (states, waits) is {@link ManagedServer}'s; this class only runs the process and sends
 * it signals. Subclasses say how to start it, how to ask whether it answers and which signals stop it.
 */
abstract class LocalServer extends ManagedServer {

    protected final Path folder;
    protected final PortReservation port;
    protected final Path log;
    private volatile Process process;

    LocalServer(String name, Path folder, PortReservation port) {
        super(name, Timeouts.DEFAULT);
        this.folder = folder;
        this.port = port;
        this.log = folder.resolve("server.log");
        RunDirectory.current().track(this);
    }

    /** The command that runs the server in the foreground. */
    abstract List<String> command();

    /** The signal for an immediate, unclean stop. */
    abstract String crashSignal();

    /** The signal for a clean, fast stop. */
    abstract String stopSignal();

    /** Called right after the process started, before it answers. */
    void started(Process process) {
    }

    @Override
    public dev.dbkata.testkit.backend.ServerLog log() {
        return new FileLog(log);
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port.port();
    }

    @Override
    protected void launch() {
        try {
            process = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw failure("could not be started (" + String.join(" ", command()) + "): " + e.getMessage(), e);
        }
        started(process);
    }

    @Override
    protected boolean alive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    @Override
    protected String exitDescription() {
        return "exited with code " + process.exitValue();
    }

    @Override
    protected String describeFailure(String what) {
        String tail = LogTail.of(log, 15);
        String hint = tail.contains("Address already in use") || tail.contains("could not bind")
                ? "\nPort " + port() + " was taken by another program after the testkit reserved it. Run again;"
                        + " if it keeps happening, find what listens there (ss -ltnp | grep " + port() + ")."
                : "";
        return name() + " " + what + ". Last lines of " + log + ":\n" + tail + hint;
    }

    @Override
    protected void kill() {
        Signals.send(crashSignal(), process.pid());
    }

    @Override
    protected void stop() {
        Signals.send(stopSignal(), process.pid());
    }

    @Override
    protected void pause() {
        ProcessHandle root = process.toHandle();
        // The parent first, so that it forks no new child while the children are being stopped.
        Signals.send("STOP", root.pid());
        Signals.send("STOP", Signals.treeOf(root));
    }

    @Override
    protected void resume() {
        List<Long> tree = Signals.treeOf(process.toHandle());
        // Children first, so that the parent finds them running when it wakes.
        Signals.send("CONT", tree.subList(1, tree.size()));
        Signals.send("CONT", tree.get(0));
    }

    /** SIGKILL from Java itself, to the whole tree: for when a signal was ignored, or kill(1) failed. */
    @Override
    protected void forceKill() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        current.destroyForcibly();
    }

    /** Waits on the process itself rather than polling. */
    @Override
    protected boolean awaitExit(Duration timeout) {
        Process current = process;
        if (current == null) {
            return true;
        }
        try {
            return current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !current.isAlive();
        }
    }

    @Override
    protected void release(boolean stopped) {
        if (!stopped) {
            // Keep the pid file and the port lock, so that the watchdog or the reaper can still
            // find this server; deleting them would orphan it for good.
            throw new IllegalStateException(name() + " (pid " + process.pid() + ") would not stop; it is left"
                    + " for the reaper. Stop it with: kill -9 " + process.pid());
        }
        port.close();
        FileTrees.deleteQuietly(folder);
        RunDirectory.current().untrack(this);
    }
}
