package dev.dbkata.caching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.dbkata.testkit.Waits;

/** Application threads calling the repository at once; closing stops any that are still waiting. */
final class Callers implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** For each call started together: the thread running it, once it is past the gate. */
    private final Map<Future<?>, AtomicReference<Thread>> runners = new ConcurrentHashMap<>();

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
            AtomicReference<Thread> runner = new AtomicReference<>();
            Future<T> future = threads.submit(() -> {
                ready.countDown();
                gate.await();
                runner.set(Thread.currentThread());
                return call.call();
            });
            runners.put(future, runner);
            futures.add(future);
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
     * Waits until every one of {@code calls} (started together) has finished or waits for something:
     * its thread sleeps, is parked or is blocked on a monitor, as a caller does that waits for
     * another's load. A caller still at work (running code, sending a command, reading a reply) is
     * not waiting. Stops early when {@code orWhen} holds, and after {@code atMost} in any case,
     * without failing: a caller that waits in an unusual way (blocked reading a socket) is judged
     * by the test's assertions, like every other.
     */
    void awaitAllWaiting(List<? extends Future<?>> calls, Duration atMost, BooleanSupplier orWhen) {
        long deadline = System.nanoTime() + atMost.toNanos();
        Waits.until("the callers to wait for the load, or " + atMost.toMillis() + " ms to pass", atMost.plusSeconds(5),
                () -> orWhen.getAsBoolean() || allWaitingOrDone(calls) || System.nanoTime() - deadline >= 0);
    }

    /**
     * How many of {@code calls} (started together) have finished or wait for something in the JVM
     * (parked, sleeping, blocked on a monitor). A caller blocked reading a socket, as one waiting
     * for a held query is, counts as at work.
     */
    int waitingOrDone(List<? extends Future<?>> calls) {
        int count = 0;
        for (Future<?> call : calls) {
            if (call.isDone()) {
                count++;
                continue;
            }
            AtomicReference<Thread> runner = runners.get(call);
            Thread thread = runner == null ? null : runner.get();
            if (thread == null) {
                continue;
            }
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED) {
                count++;
            }
        }
        return count;
    }

    private boolean allWaitingOrDone(List<? extends Future<?>> calls) {
        for (Future<?> call : calls) {
            if (call.isDone()) {
                continue;
            }
            AtomicReference<Thread> runner = runners.get(call);
            Thread thread = runner == null ? null : runner.get();
            if (thread == null) {
                return false;
            }
            Thread.State state = thread.getState();
            if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING && state != Thread.State.BLOCKED) {
                return false;
            }
        }
        return true;
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
