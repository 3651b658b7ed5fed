package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SharedResourceTest {

    private final AtomicInteger closes = new AtomicInteger();
    private final SharedResource<AutoCloseable> shared = new SharedResource<>(closes::incrementAndGet);

    @Test
    @DisplayName("stays open while any lease is held, and closes once with the last one")
    void closesWithLastLease() {
        SharedResource<AutoCloseable>.Lease building = shared.lease();
        SharedResource<AutoCloseable>.Lease primary = shared.lease();
        SharedResource<AutoCloseable>.Lease replica = shared.lease();

        building.close();
        primary.close();
        assertThat(closes).hasValue(0);

        replica.close();
        assertThat(closes).hasValue(1);
        assertThat(shared.isClosed()).isTrue();
    }

    @Test
    @DisplayName("releasing one lease twice counts once")
    void idempotentRelease() {
        SharedResource<AutoCloseable>.Lease first = shared.lease();
        SharedResource<AutoCloseable>.Lease second = shared.lease();

        first.close();
        first.close();

        assertThat(closes).hasValue(0);
        second.close();
        assertThat(closes).hasValue(1);
    }

    @Test
    @DisplayName("a closed resource hands out no more leases")
    void noLeaseAfterClose() {
        shared.lease().close();

        assertThatThrownBy(shared::lease).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a failing close does not reach the server being closed")
    void closeFailureSwallowed() {
        SharedResource<AutoCloseable> failing = new SharedResource<>(() -> {
            throw new IllegalStateException("network has active endpoints");
        });

        failing.lease().close();

        assertThat(failing.isClosed()).isTrue();
    }
}
