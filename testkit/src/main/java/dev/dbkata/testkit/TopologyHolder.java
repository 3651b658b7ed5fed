package dev.dbkata.testkit;

import java.util.function.Supplier;

/**
 * Keeps one topology for a test class: starts it, mends or replaces it between tests, and closes
 * it when the class's {@code ExtensionContext.Store} is closed.
 */
final class TopologyHolder<T extends Topology> implements AutoCloseable {

    private final Supplier<T> starter;
    private final Reset reset;
    private T topology;
    private boolean usedByATest;

    TopologyHolder(Supplier<T> starter, Reset reset) {
        this.starter = starter;
        this.reset = reset;
    }

    synchronized void start() {
        topology = starter.get();
    }

    synchronized T current() {
        if (topology == null) {
            throw new IllegalStateException("The servers of this test class failed to start; see the first error");
        }
        return topology;
    }

    /** Before each test: undo the last test's faults, then empty the servers if asked to. */
    synchronized void prepareForTest() {
        if (usedByATest && !healed()) {
            topology.close();
            topology = null;
            start();
        } else if (reset == Reset.BEFORE_EACH_TEST) {
            // Also before the first test, so that every test starts from the same state.
            current().resetData();
        }
        usedByATest = true;
    }

    /** A topology that fails while being mended (a wait that times out included) is replaced. */
    private boolean healed() {
        try {
            return current().heal();
        } catch (RuntimeException | AssertionError unmendable) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (topology != null) {
            topology.close();
            topology = null;
        }
    }
}
