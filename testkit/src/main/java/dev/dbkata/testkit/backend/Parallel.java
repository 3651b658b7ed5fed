package dev.dbkata.testkit.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The testkit's one way of doing several blocking things at once: starting the servers of a
 * topology, stopping them, resetting them.
 *
 * <p>Each call gets threads of its own, one per task, and shuts them down before it returns. Never
 * the common pool: it has a single thread on a two-core machine, so "parallel" starts there run one
 * after the other, and anything else queued on it (a test's own futures) waits behind them.
 *
 * <p>Every task runs to its end before the call returns, so that no server is still half-started
 * when the failure is reported. The first failure is thrown; later ones are attached to it as
 * suppressed exceptions.
 */
public final class Parallel {

    private Parallel() {
    }

    /**
     * Runs every task at once and waits for all of them.
     *
     * @param what names the threads, such as {@code "dbkata-start"}
     */
    public static void run(String what, List<? extends Runnable> tasks) {
        List<Supplier<Void>> suppliers = new ArrayList<>();
        for (Runnable task : tasks) {
            suppliers.add(() -> {
                task.run();
                return null;
            });
        }
        Throwable failure = firstFailure(outcomes(what, suppliers));
        if (failure != null) {
            throw unchecked(failure);
        }
    }

    /**
     * Starts every server at once and returns them in the order of {@code starts}. When any start
     * fails, the servers that did start are closed and the first failure is thrown.
     */
    public static <T extends AutoCloseable> List<T> start(String what, List<? extends Supplier<? extends T>> starts) {
        List<Outcome<T>> outcomes = outcomes(what, starts);
        Throwable failure = firstFailure(outcomes);
        if (failure == null) {
            return outcomes.stream().map(Outcome::result).toList();
        }
        for (Outcome<T> outcome : outcomes) {
            if (outcome.failure() == null) {
                try {
                    outcome.result().close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
        }
        throw unchecked(failure);
    }

    private record Outcome<T>(T result, Throwable failure) {
    }

    private static <T> Throwable firstFailure(List<Outcome<T>> outcomes) {
        Throwable first = null;
        for (Outcome<T> outcome : outcomes) {
            if (outcome.failure() == null) {
                continue;
            }
            if (first == null) {
                first = outcome.failure();
            } else if (first != outcome.failure()) {
                first.addSuppressed(outcome.failure());
            }
        }
        return first;
    }

    /** Runs everything, waits for everything; the first failure also carries the others. */
    private static <T> List<Outcome<T>> outcomes(String what, List<? extends Supplier<? extends T>> tasks) {
        List<Outcome<T>> outcomes = new ArrayList<>();
        if (tasks.size() == 1) {
            // Nothing to overlap with: no thread to pay for.
            outcomes.add(attempt(tasks.get(0)));
            return outcomes;
        }
        if (tasks.isEmpty()) {
            return outcomes;
        }
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size(), task -> {
            Thread thread = new Thread(task, what);
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (Supplier<? extends T> task : tasks) {
                futures.add(threads.submit(() -> attempt(task)));
            }
            boolean interrupted = false;
            for (Future<Outcome<T>> future : futures) {
                while (true) {
                    try {
                        outcomes.add(future.get());
                        break;
                    } catch (InterruptedException e) {
                        // Finish waiting: a server left half-started would be nobody's to close.
                        interrupted = true;
                    } catch (ExecutionException e) {
                        outcomes.add(new Outcome<>(null, e.getCause()));
                        break;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            threads.shutdown();
        }
        return outcomes;
    }

    private static <T> Outcome<T> attempt(Supplier<? extends T> task) {
        try {
            return new Outcome<>(task.get(), null);
        } catch (RuntimeException | Error e) {
            // An AssertionError from a bounded wait included: carried back, not lost on a pool thread.
            return new Outcome<>(null, e);
        }
    }

    /** Throws an unchecked failure as it is; a checked one (none is expected) wrapped. */
    private static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        return failure instanceof RuntimeException runtime ? runtime
                : new IllegalStateException(String.valueOf(failure.getMessage()), failure);
    }
}
