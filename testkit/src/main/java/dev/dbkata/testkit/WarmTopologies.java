package dev.dbkata.testkit;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the servers of finished test classes running for the next class (or the next run in the
 * same JVM) that declares the same topology, instead of stopping them: {@code kata watch} re-runs
 * a task on every save and must not pay for servers starting each time.
 *
 * <p>Off unless {@link #enable()} was called, so builds and the grader get fresh servers per test
 * class as before. When on, a test class that declares a topology equal to one kept here (the same
 * annotation with the same values) gets that one, mended and emptied as between two tests
 * ({@link Topology#heal()}, {@link Topology#resetData()}); one that cannot be mended is closed and
 * a fresh one started. {@link #closeAll()} stops what is kept; the run folder's shutdown hook and
 * watchdog stop it too when the JVM ends another way.
 */
public final class WarmTopologies {

    private static final System.Logger LOG = System.getLogger(WarmTopologies.class.getName());

    private static final Map<Object, Deque<Topology>> IDLE = new LinkedHashMap<>();
    private static boolean enabled;
    private static int reused;

    private WarmTopologies() {
    }

    /** From now on, topologies of finished test classes are kept for the next class that asks. */
    public static synchronized void enable() {
        enabled = true;
    }

    /** Stops every kept topology and keeps none from now on. Safe to call twice. */
    public static void closeAll() {
        List<Topology> closing = new ArrayList<>();
        synchronized (WarmTopologies.class) {
            enabled = false;
            IDLE.values().forEach(closing::addAll);
            IDLE.clear();
        }
        for (Topology topology : closing) {
            try {
                topology.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A kept topology did not stop cleanly: " + e.getMessage());
            }
        }
    }

    /** How many topologies are kept right now, waiting for a test class. */
    public static synchronized int idle() {
        return IDLE.values().stream().mapToInt(Deque::size).sum();
    }

    /** How many times a test class got a kept topology instead of new servers, since this JVM started. */
    public static synchronized int reused() {
        return reused;
    }

    /**
     * A kept topology for {@code key}, mended and emptied (unless {@code resetsBeforeEachTest}: the
     * holder empties it before the first test anyway), or a new one from {@code start}.
     */
    static <T extends Topology> T take(Object key, Supplier<T> start, boolean resetsBeforeEachTest) {
        Topology kept;
        synchronized (WarmTopologies.class) {
            Deque<Topology> idle = enabled ? IDLE.get(key) : null;
            kept = idle == null ? null : idle.pollFirst();
        }
        if (kept != null) {
            try {
                if (kept.heal()) {
                    if (!resetsBeforeEachTest) {
                        kept.resetData();
                    }
                    synchronized (WarmTopologies.class) {
                        reused++;
                    }
                    @SuppressWarnings("unchecked")
                    T same = (T) kept;
                    return same;
                }
            } catch (RuntimeException | AssertionError unmendable) {
                LOG.log(Level.DEBUG, "A kept topology could not be mended; starting new servers: " + unmendable);
            }
            closeQuietly(kept);
        }
        return start.get();
    }

    /** A test class is done with {@code topology}: kept for the next one when on, else stopped. */
    static void release(Object key, Topology topology) {
        synchronized (WarmTopologies.class) {
            if (enabled) {
                IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(topology);
                return;
            }
        }
        topology.close();
    }

    private static void closeQuietly(Topology topology) {
        try {
            topology.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A kept topology did not stop cleanly: " + e.getMessage());
        }
    }
}
