package dev.dbkata.caching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Application threads calling the repository at once; closing stops any that are still waiting. */
final class Callers implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** Starts one call in the background. */
    <T> Future<T> start(Callable<T> call) {
        return threads.submit(call);
    }

    /** Starts {@code calls} behind one gate that opens when all of them are ready, so they run at once. */
    <T> List<Future<T>> startTogether(List<Callable<T>> calls) {
        CountDownLatch ready = new CountDownLatch(calls.size());
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> call : calls) {
            futures.add(threads.submit(() -> {
                ready.countDown();
                gate.await();
                return call.call();
            }));
        }
        try {
            ready.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gate.countDown();
        return futures;
    }

    /**
     * The value of a call, waiting at most {@code atMost} for it.
     *
     * @throws AssertionError saying {@code what} did not finish in time, or how it failed
     */
    static <T> T result(Future<T> call, Duration atMost, String what) {
        try {
            return call.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish within " + atMost.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for " + what, e);
        }
    }

    /**
     * Waits until every call has finished or {@code window} has passed, whichever is first: room for
     * callers to run into a lock. A result is never decided here; the caller asserts afterwards.
     */
    static void settle(List<? extends Future<?>> calls, Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        for (Future<?> call : calls) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                call.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // Still running or failed: both are judged by the test afterwards.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What each call returned or how it failed, all within one shared {@code atMost}. */
    static List<Object> outcomes(List<Future<Optional<Product>>> calls, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        List<Object> outcomes = new ArrayList<>();
        for (Future<Optional<Product>> call : calls) {
            outcomes.add(outcome(call, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        }
        return outcomes;
    }

    /** The product a finished call returned, or a description of how it failed. */
    static Object outcome(Future<Optional<Product>> call, Duration atMost) {
        try {
            return call.get(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return "still waiting when time ran out";
        } catch (ExecutionException e) {
            return "failed: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
