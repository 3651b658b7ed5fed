package dev.dbkata.grader.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import dev.dbkata.testkit.InfrastructureException;
import dev.dbkata.testkit.Waits;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How a test's failure is reported: the learner's (failed, timeout) or the servers' (error). */
class FailureKindTest {

    @Test
    @DisplayName("a failed check or an exception of the code under test is 'failed'; running out of time is 'timeout'")
    void learnersFailures() {
        assertThat(FailureKind.of(new AssertionError("expected 2 but was 3"))).isEqualTo("failed");
        assertThat(FailureKind.of(new UnsupportedOperationException("TODO(task): build it"))).isEqualTo("failed");
        assertThat(FailureKind.of(new IllegalStateException("SQL failed on primary"))).isEqualTo("failed");
        assertThat(FailureKind.of(new TimeoutException("took 30 s"))).isEqualTo("timeout");
    }

    @Test
    @DisplayName("the testkit's InfrastructureException, its subclasses, and either wrapped anywhere in the cause chain are 'error'")
    void infrastructure() {
        InfrastructureException wontStart = new InfrastructureException("primary would not start");
        InfrastructureException subclass = new InfrastructureException("no Docker") {
            private static final long serialVersionUID = 1L;
        };

        assertThat(FailureKind.of(wontStart)).isEqualTo("error");
        assertThat(FailureKind.of(subclass)).isEqualTo("error");
        assertThat(FailureKind.of(new RuntimeException(new ExecutionException(wontStart)))).isEqualTo("error");
    }

    @Test
    @DisplayName("a failed test's cause: a check (an assertion), a bounded wait that gave up, or something thrown")
    void causes() {
        AssertionError gaveUp = null;
        try {
            Waits.until("something that never happens", java.time.Duration.ofMillis(50), () -> false);
        } catch (AssertionError e) {
            gaveUp = e;
        }

        assertThat(FailureKind.cause(new AssertionError("the modulo is negative"))).isEqualTo("check");
        assertThat(gaveUp).as("Waits.until gives up with an assertion").isNotNull();
        assertThat(FailureKind.cause(gaveUp)).as("Waits.until's give-up, an AssertionError around Awaitility's")
                .isEqualTo("wait");
        assertThat(FailureKind.cause(new IllegalStateException("syntax error at or near \"-\""))).isEqualTo("threw");
    }

    @Test
    @DisplayName("a cause chain that loops ends the search instead of spinning")
    void loopingCauses() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(FailureKind.of(first)).isEqualTo("failed");
    }
}
