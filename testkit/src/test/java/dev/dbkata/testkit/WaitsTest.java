package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WaitsTest {

    @Test
    @DisplayName("a timeout names what was awaited and the last value seen")
    void namesTheLastValue() {
        AtomicInteger polls = new AtomicInteger();

        assertThatThrownBy(() -> Waits.until("the counter to reach -1", Duration.ofMillis(200), polls::incrementAndGet,
                n -> n < 0))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Gave up after 200 ms waiting for the counter to reach -1; last seen: ");
    }

    @Test
    @DisplayName("a failure caused by the wait's own interrupt is not taken for the last thing seen")
    void interruptsAreNotValues() {
        SQLException fromDriver = new SQLException("Something unusual has occurred", new InterruptedIOException());

        assertThat(Waits.causedByInterrupt(fromDriver)).isTrue();
        assertThat(Waits.causedByInterrupt(new SQLException("relation \"note\" does not exist"))).isFalse();
    }
}
