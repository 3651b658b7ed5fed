package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs a small test class through the JUnit engine and checks what happened to its threads. */
class TestThreadsTest {

    static final List<TestThreads> GIVEN = new CopyOnWriteArrayList<>();
    static final List<Thread> RUNNERS = new CopyOnWriteArrayList<>();

    @ExtendWith(TestThreads.Extension.class)
    static class UsesThreads {
        @Test
        void first(TestThreads threads) throws Exception {
            GIVEN.add(threads);
            // Two steps that each wait for the other: they finish only if both run at once.
            CountDownLatch both = new CountDownLatch(2);
            var one = threads.run(() -> meet(both));
            var two = threads.run(() -> meet(both));
            one.get(10, TimeUnit.SECONDS);
            two.get(10, TimeUnit.SECONDS);
        }

        @Test
        void second(TestThreads threads) throws Exception {
            GIVEN.add(threads);
            // A step still blocked when the test ends: closing the threads must interrupt it.
            CountDownLatch started = new CountDownLatch(1);
            threads.run(() -> {
                RUNNERS.add(Thread.currentThread());
                started.countDown();
                meet(new CountDownLatch(1));
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        }

        private static void meet(CountDownLatch latch) {
            latch.countDown();
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A failed test that leaves a step blocked, uninterruptibly (as one reading a silent socket). */
    @ExtendWith(TestThreads.Extension.class)
    static class FailsWithAStuckStep {
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Test
        void fails(TestThreads threads) throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            threads.run(() -> {
                started.countDown();
                while (true) {
                    try {
                        if (RELEASE.await(30, TimeUnit.SECONDS)) {
                            return;
                        }
                    } catch (InterruptedException ignoredLikeABlockingRead) {
                        // keeps waiting, as a thread in a socket read does
                    }
                }
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            throw new AssertionError("the lesson's message");
        }
    }

    @Test
    @DisplayName("a test that already failed keeps its own message: closing does not wait out 15 s for a step it left stuck")
    void failedTestDoesNotWaitForStuckSteps() {
        try {
            var events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailsWithAStuckStep.class)).execute()
                    .testEvents();
            events.assertStatistics(stats -> stats.started(1).failed(1));
            Throwable failure = events.failed().stream().findFirst().orElseThrow()
                    .getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
            assertThat(failure).hasMessage("the lesson's message");
            // A close that waited its full 15 s would have added "thread(s) ... still run" to it.
            assertThat(failure.getSuppressed()).as("what closing the threads added to the failure").isEmpty();
        } finally {
            FailsWithAStuckStep.RELEASE.countDown();
        }
    }

    @Test
    @DisplayName("each test gets threads of its own, named after it, that run blocked steps side by side and are closed when it ends")
    void threadsBelongToTheTest() {
        GIVEN.clear();
        RUNNERS.clear();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(UsesThreads.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(GIVEN).hasSize(2).doesNotHaveDuplicates();
        assertThat(RUNNERS).singleElement().satisfies(runner -> {
            assertThat(runner.getName()).startsWith("UsesThreads.second-");
            assertThat(runner.isDaemon()).isTrue();
            assertThat(runner.isAlive()).as("the step blocked at the end of its test was interrupted and ended").isFalse();
        });
        for (TestThreads threads : GIVEN) {
            assertThatThrownBy(() -> threads.run(() -> { })).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("are closed");
        }
    }
}
