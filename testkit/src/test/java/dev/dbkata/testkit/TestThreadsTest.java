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
