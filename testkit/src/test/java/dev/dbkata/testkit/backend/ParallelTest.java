package dev.dbkata.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ParallelTest {

    private static final class Started implements AutoCloseable {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    @DisplayName("runs every task at once, on threads of its own (not the common pool)")
    void atOnceOnOwnThreads() {
        int tasks = 4;
        // Each task waits for all the others: this only finishes if all run at the same time.
        CountDownLatch allRunning = new CountDownLatch(tasks);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Runnable> work = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            work.add(() -> {
                threads.add(Thread.currentThread().getName());
                assertThat(Thread.currentThread()).isNotInstanceOf(ForkJoinWorkerThread.class);
                allRunning.countDown();
                try {
                    assertThat(allRunning.await(10, TimeUnit.SECONDS)).as("all tasks running together").isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        Parallel.run("dbkata-test", work);

        assertThat(threads).containsOnly("dbkata-test");
    }

    @Test
    @DisplayName("waits for every task; the first failure is thrown with the others suppressed")
    void firstFailureCarriesTheOthers() {
        AtomicBoolean slowFinished = new AtomicBoolean();
        // The slow task only finishes once both others are failing: a run that reported the
        // first failure without waiting for every task would see it unfinished.
        CountDownLatch othersFailing = new CountDownLatch(2);
        List<Runnable> work = List.of(
                () -> {
                    othersFailing.countDown();
                    throw new IllegalStateException("first");
                },
                () -> {
                    try {
                        assertThat(othersFailing.await(10, TimeUnit.SECONDS)).as("the other tasks ran").isTrue();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    slowFinished.set(true);
                },
                () -> {
                    othersFailing.countDown();
                    throw new AssertionError("third");
                });

        assertThatThrownBy(() -> Parallel.run("dbkata-test", work))
                .isInstanceOf(IllegalStateException.class).hasMessage("first")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("third"));
        assertThat(slowFinished).as("the slow task ran to its end before the failure was reported").isTrue();
    }

    @Test
    @DisplayName("start returns the servers in order; if one fails, those that started are closed")
    void startClosesWhatStartedOnFailure() {
        Started a = new Started();
        Started c = new Started();
        List<Supplier<Started>> ok = List.of(() -> a, () -> c);
        assertThat(Parallel.start("dbkata-test", ok)).containsExactly(a, c);
        assertThat(a.closed).isFalse();

        List<Supplier<Started>> oneFails = List.of(() -> a, () -> {
            throw new IllegalStateException("b would not start");
        }, () -> c);
        assertThatThrownBy(() -> Parallel.start("dbkata-test", oneFails)).hasMessage("b would not start");
        assertThat(a.closed).isTrue();
        assertThat(c.closed).isTrue();
    }

    @Test
    @DisplayName("a single task runs in the caller's thread; no task is no work")
    void singleAndNone() {
        List<String> thread = new ArrayList<>();
        Parallel.run("dbkata-test", List.of(() -> thread.add(Thread.currentThread().getName())));
        assertThat(thread).containsExactly(Thread.currentThread().getName());
        Parallel.run("dbkata-test", List.of());
    }
}
