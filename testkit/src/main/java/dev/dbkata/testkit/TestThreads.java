package dev.dbkata.testkit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Threads a test owns for its concurrent steps, closed with the test. Work that blocks (a session
 * waiting for a lock, a transaction stopped at a gate) must never run on the JVM's common pool:
 * on a 2-core machine that pool may have a single thread, so a second blocked step waits for the
 * first for ever. Here every step gets a thread of its own (up to {@value #MAX_THREADS} at once),
 * named after the test, so a thread dump says whose it is.
 *
 * <pre>{@code
 * @ExtendWith(TestThreads.Extension.class)
 * class SomeTest {
 *     @Test
 *     void twoSessions(PostgresNode node, TestThreads threads) {
 *         CompletableFuture<Void> move = threads.run(() -> store.move(7));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Injected as a parameter, the threads are closed when the test ends (the extension keeps them in
 * the test's {@link ExtensionContext.Store}, which closes what it holds). Elsewhere, use
 * {@link #named(String)} in a try-with-resources block.
 */
public final class TestThreads implements Executor, AutoCloseable {

    /** More steps at once than any test needs; past it a test gets a clear error, not a queue. */
    public static final int MAX_THREADS = 16;

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

    /**
     * How long a test that already failed waits for its steps. Its failure has said what went
     * wrong; a step it left blocked (on a cut link, a lock it never released) only delays the
     * verdict, most of all when a grader runs many wrong solutions one after the other.
     */
    static final Duration CLOSE_WAIT_AFTER_FAILURE = Duration.ofSeconds(2);

    private final String name;
    private final ThreadPoolExecutor pool;

    private TestThreads(String name) {
        this.name = name;
        AtomicInteger count = new AtomicInteger();
        // No queue: a step that cannot get a thread of its own is refused, never left waiting
        // behind a blocked one (which is the common pool's failure this class exists to avoid).
        this.pool = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Threads for {@code name} (a test's name, say); close them when the test is done. */
    public static TestThreads named(String name) {
        return new TestThreads(name);
    }

    /** Runs {@code step} on a thread of its own. */
    public CompletableFuture<Void> run(Runnable step) {
        return CompletableFuture.runAsync(step, this);
    }

    /** Computes {@code step} on a thread of its own. */
    public <T> CompletableFuture<T> supply(Supplier<T> step) {
        return CompletableFuture.supplyAsync(step, this);
    }

    @Override
    public void execute(Runnable step) {
        try {
            pool.execute(step);
        } catch (RejectedExecutionException e) {
            throw new RejectedExecutionException(pool.isShutdown()
                    ? "the threads of " + name + " are closed: start concurrent steps while the test runs"
                    : name + " already runs " + MAX_THREADS + " steps at once; wait for some before starting more", e);
        }
    }

    /**
     * Interrupts the steps still running and waits (boundedly) for them to end.
     *
     * @throws IllegalStateException if some still run after that: they block on something
     *         the test did not release (a lock, a gate), and would go on touching the database
     */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(pool.getActiveCount() + " thread(s) of " + name + " still run "
                        + CLOSE_WAIT.toSeconds() + " s after the test ended: a concurrent step waits for something"
                        + " the test never released (a lock, a gate, a latch)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Interrupts the steps still running and waits at most {@code wait} for them, without
     * complaint: for a test that has already failed (the steps left blocked are daemon threads).
     */
    void closeAfterFailure(Duration wait) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "threads of " + name;
    }

    /**
     * Resolves a {@link TestThreads} parameter of a test (or a lifecycle method), named after it
     * and closed when it ends.
     */
    public static final class Extension implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TestThreads.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            String name = context.getTestClass().map(Class::getSimpleName).orElse("test")
                    + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
            // The store closes AutoCloseable values when the context (the test, or the class for
            // @BeforeAll) ends.
            return context.getStore(ExtensionContext.Namespace.create(TestThreads.class))
                    .getOrComputeIfAbsent(TestThreads.class, key -> new Held(named(name), context), Held.class)
                    .threads();
        }
    }

    /** The threads of one context, closed with it: briefly when the context has already failed. */
    private record Held(TestThreads threads, ExtensionContext context) implements AutoCloseable {
        @Override
        public void close() {
            if (context.getExecutionException().isPresent()) {
                threads.closeAfterFailure(CLOSE_WAIT_AFTER_FAILURE);
            } else {
                threads.close();
            }
        }
    }
}
