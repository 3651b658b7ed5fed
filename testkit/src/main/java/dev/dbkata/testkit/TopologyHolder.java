package dev.dbkata.testkit;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

import dev.dbkata.testkit.backend.BackendUnavailableException;

/**
 * Keeps one topology for a test class: starts it, mends or replaces it between tests, and closes
 * it when the class's {@code ExtensionContext.Store} is closed.
 *
 * <p>Whatever keeps a test from getting its servers (they do not start, cannot be mended or
 * replaced, cannot be emptied, no backend can run them) reaches the test as an
 * {@link InfrastructureException}: never the code under test's doing, and reported apart by the
 * grader.
 */
final class TopologyHolder<T extends Topology> implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TopologyHolder.class.getName());

    private final String what;
    private final Supplier<T> starter;
    private final Reset reset;
    /** What {@link WarmTopologies} keeps this topology under when a class is done; null: never kept. */
    private final Object warmKey;
    private T topology;
    private boolean usedByATest;

    /**
     * @param what names the servers in messages, such as {@code "@WithPostgres of OrdersTest"}
     */
    TopologyHolder(String what, Supplier<T> starter, Reset reset) {
        this(what, starter, reset, null);
    }

    /** @param warmKey the declaration the servers answer (equal declarations may share them), or null */
    TopologyHolder(String what, Supplier<T> starter, Reset reset, Object warmKey) {
        this.what = what;
        this.starter = starter;
        this.reset = reset;
        this.warmKey = warmKey;
    }

    synchronized void start() {
        topology = infrastructure("The servers of " + what + " could not be started", warmKey == null ? starter
                : () -> WarmTopologies.take(warmKey, starter, reset == Reset.BEFORE_EACH_TEST));
    }

    synchronized T current() {
        if (topology == null) {
            throw new InfrastructureException("The servers of " + what + " failed to start; see the first error");
        }
        return topology;
    }

    /** The servers, or null when they failed to start. */
    synchronized T startedOrNull() {
        return topology;
    }

    /** Before each test: undo the last test's faults, then empty the servers if asked to. */
    synchronized void prepareForTest() {
        if (usedByATest && !healed()) {
            replace();
        } else if (reset == Reset.BEFORE_EACH_TEST) {
            // Also before the first test, so that every test starts from the same state.
            T servers = current();
            infrastructure("The servers of " + what + " could not be emptied before the test", () -> {
                servers.resetData();
                return null;
            });
        }
        usedByATest = true;
    }

    /** A topology that fails while being mended (a wait that times out included) is replaced. */
    private boolean healed() {
        if (topology == null) {
            // The last replacement failed: try again rather than fail every later test unseen.
            return false;
        }
        try {
            return topology.heal();
        } catch (RuntimeException | AssertionError unmendable) {
            return false;
        }
    }

    private void replace() {
        if (topology != null) {
            try {
                topology.close();
            } catch (RuntimeException e) {
                // Its servers are left to the watchdog and the reaper; the new topology needs none of them.
                LOG.log(Level.WARNING, "The old servers of " + what + " did not all stop: " + e.getMessage());
            }
            topology = null;
        }
        topology = infrastructure("The servers of " + what + " could not be mended, nor new ones started,"
                + " after the last test", starter::get);
    }

    /** Runs {@code step}; any failure becomes an {@link InfrastructureException} that says what failed. */
    private static <R> R infrastructure(String failed, Supplier<R> step) {
        try {
            return step.get();
        } catch (BackendUnavailableException e) {
            // Says all there is to say: what is missing on this machine, and what to do.
            throw e;
        } catch (RuntimeException | AssertionError e) {
            throw new InfrastructureException(failed + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (topology != null) {
            if (warmKey == null) {
                topology.close();
            } else {
                WarmTopologies.release(warmKey, topology);
            }
            topology = null;
        }
    }
}
