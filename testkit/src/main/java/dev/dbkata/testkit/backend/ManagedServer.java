package dev.dbkata.testkit.backend;

import java.time.Duration;

import dev.dbkata.testkit.InfrastructureException;

/**
 * The life of one server, written once for every backend: which state it is in, what each fault
 * does in each state, and every wait (for it to answer, for it to exit).
 *
 * <p>A backend supplies only the mechanics, the way a Testcontainers module supplies only
 * configuration to {@code GenericContainer}: {@link #launch()}, {@link #alive()},
 * {@link #answers()}, {@link #kill()}, {@link #stop()}, {@link #pause()} / {@link #resume()} and
 * {@link #release(boolean)}. None of them is called with the server in a state it does not expect:
 * {@code pause()} only on a live, unfrozen server, {@code resume()} only on a frozen one, and
 * nothing but {@link #state()} once it is closed.
 *
 * <pre>
 *   NEW --start--> STARTING --answers--> RUNNING <--thaw/freeze--> FROZEN
 *                                          |  ^                        |
 *                                     crash|  |restart            crash (thaws first)
 *                                          v  |                        |
 *                                         CRASHED <--------------------+
 *   any state --close--> CLOSED (final: restart throws, faults do nothing)
 * </pre>
 *
 * <p>A server that dies on its own (a learner's {@code SHUTDOWN}) is {@code CRASHED} as well: the
 * state is read from the process, not remembered. Every method but {@link #state()} is
 * synchronized, so faults from several threads take turns.
 */
public abstract class ManagedServer implements ServerProcess {

    /** Where a server is in its life. */
    public enum State { NEW, STARTING, RUNNING, FROZEN, CRASHED, CLOSED }

    /**
     * How long the waits may take.
     *
     * @param start how long a server may take to answer after it was launched
     * @param stop  how long a clean stop may take before the server is killed
     * @param exit  how long the process may take to go once killed
     * @param poll  how often readiness and exit are checked
     */
    public record Timeouts(Duration start, Duration stop, Duration exit, Duration poll) {

        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofMillis(10));

        public Timeouts withPoll(Duration every) {
            return new Timeouts(start, stop, exit, every);
        }
    }

    private final String name;
    private final Timeouts timeouts;
    private volatile boolean launched;
    private volatile boolean starting;
    private volatile boolean frozen;
    private volatile boolean closed;

    protected ManagedServer(String name, Timeouts timeouts) {
        this.name = name;
        this.timeouts = timeouts;
    }

    // ----- what a backend supplies -----

    /** Starts the server's process or container and returns without waiting for it to answer. */
    protected abstract void launch();

    /** Whether the server's process exists; a paused one counts. Must not throw for a server never launched. */
    protected abstract boolean alive();

    /** One quick attempt to talk to the server; true when it answered. */
    protected abstract boolean answers();

    /** Asks for an immediate, unclean end (no checkpoint, no goodbye to clients). May return before it happened. */
    protected abstract void kill();

    /** Asks for a clean, fast shutdown. May return before it happened. */
    protected abstract void stop();

    /** Suspends every process of the server. */
    protected abstract void pause();

    /** Lets a paused server go on. */
    protected abstract void resume();

    /**
     * Gives back what the server held (port, files, network), once, on {@link #close()}.
     *
     * @param stopped false when the server could not be stopped: a backend that relies on its own
     *                clean-up to find it later (pid files, a port lock) keeps them and throws
     */
    protected abstract void release(boolean stopped);

    /** The server's own words on why it did not come up, appended to {@code what}, such as its log's last lines. */
    protected abstract String describeFailure(String what);

    /** Why a server that died while starting did, such as its exit code. */
    protected String exitDescription() {
        return "stopped before it accepted connections";
    }

    /** The last resort when {@link #kill()} was not enough; by default, {@link #kill()} again. */
    protected void forceKill() {
        kill();
    }

    /** Waits up to {@code timeout} for the process to be gone; true when it is. Polls {@link #alive()} by default. */
    protected boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive()) {
            if (System.nanoTime() - deadline > 0 || !sleep(timeouts.poll())) {
                return false;
            }
        }
        return true;
    }

    // ----- the life, written once -----

    @Override
    public final String name() {
        return name;
    }

    /** Where the server is now. Not synchronized: it may be asked while another thread starts the server. */
    public final State state() {
        if (closed) {
            return State.CLOSED;
        }
        if (starting) {
            return State.STARTING;
        }
        if (!launched) {
            return State.NEW;
        }
        if (!alive()) {
            return State.CRASHED;
        }
        return frozen ? State.FROZEN : State.RUNNING;
    }

    /** The first start: launches the server and returns once it answers. */
    public final synchronized void start() {
        requireOpen();
        if (launched && alive()) {
            throw new IllegalStateException(name + " is running already; restart() starts it again");
        }
        launchAndAwaitReady();
    }

    @Override
    public final synchronized void crash() {
        if (closed || !alive()) {
            return;
        }
        thaw();
        kill();
        awaitExitOrForce(timeouts.exit());
    }

    @Override
    public final synchronized void freeze() {
        if (closed || frozen || !alive()) {
            return;
        }
        pause();
        frozen = true;
    }

    @Override
    public final synchronized void thaw() {
        if (!frozen) {
            return;
        }
        if (alive()) {
            resume();
        }
        frozen = false;
    }

    @Override
    public final synchronized void restart() {
        requireOpen();
        if (alive()) {
            thaw();
            stop();
            awaitExitOrForce(timeouts.stop());
        }
        frozen = false;
        launchAndAwaitReady();
    }

    @Override
    public final synchronized boolean isRunning() {
        return !closed && alive();
    }

    @Override
    public final synchronized boolean isFrozen() {
        return frozen;
    }

    /** Kills the server and releases what it held. Safe to call more than once; the first call decides. */
    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (frozen && alive()) {
                resume();
            }
            frozen = false;
            if (alive()) {
                kill();
                awaitExitOrForce(timeouts.exit());
            }
        } catch (RuntimeException stopFailed) {
            try {
                forceKill();
                awaitExit(timeouts.exit());
            } catch (RuntimeException alsoFailed) {
                // release() hears below whether the server is gone.
            }
        }
        release(isGone());
    }

    private boolean isGone() {
        try {
            return !alive();
        } catch (RuntimeException unknown) {
            return false;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(name + " was closed; start a new topology instead");
        }
    }

    private void launchAndAwaitReady() {
        starting = true;
        try {
            try {
                launch();
            } finally {
                launched = true;
            }
            awaitReady();
        } finally {
            starting = false;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + timeouts.start().toNanos();
        while (true) {
            if (!alive()) {
                throw failure(exitDescription(), null);
            }
            if (answers()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("did not accept connections within " + timeouts.start().toSeconds() + " s", null);
            }
            if (!sleep(timeouts.poll())) {
                throw failure("was still starting when its thread was interrupted", null);
            }
        }
    }

    /** Waits for the exit; past {@code grace}, kills harder and waits once more. */
    private void awaitExitOrForce(Duration grace) {
        if (awaitExit(grace)) {
            return;
        }
        forceKill();
        if (!awaitExit(timeouts.exit())) {
            throw new IllegalStateException(name + " did not stop within " + (grace.plus(timeouts.exit())).toSeconds()
                    + " s, even when killed");
        }
    }

    /** A start failure is never the code under test's: the grader reports it as such. */
    protected final InfrastructureException failure(String what, Throwable cause) {
        return new InfrastructureException(describeFailure(what), cause);
    }

    /** False when interrupted (the flag is kept). */
    private static boolean sleep(Duration time) {
        try {
            Thread.sleep(Math.max(1, time.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + "@" + host() + ":" + port();
    }
}
