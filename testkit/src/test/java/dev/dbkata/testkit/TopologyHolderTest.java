package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Supplier;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every way the holder can fail to give a test its servers surfaces as an
 * {@link InfrastructureException} naming what failed, with the original failure as its cause.
 */
class TopologyHolderTest {

    /** A topology whose heal and reset do what the test says. */
    private static final class Scripted implements Topology {
        Supplier<Boolean> heal = () -> true;
        Runnable reset = () -> { };
        boolean closed;

        @Override
        public boolean heal() {
            return heal.get();
        }

        @Override
        public void resetData() {
            reset.run();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Hands out the given topologies in turn; a null stands for a start that fails. */
    private static Supplier<Scripted> starts(Scripted... topologies) {
        Iterator<Scripted> left = Arrays.asList(topologies).iterator();
        return () -> {
            Scripted next = left.hasNext() ? left.next() : null;
            if (next == null) {
                throw new IllegalStateException("primary exited with code 1");
            }
            return next;
        };
    }

    @Test
    @DisplayName("a start that fails is an infrastructure failure, and so is asking for its servers afterwards")
    void startFails() {
        TopologyHolder<Scripted> holder = new TopologyHolder<>("@WithPostgres of SomeTest", starts((Scripted) null), Reset.NEVER);

        assertThatThrownBy(holder::start).isInstanceOf(InfrastructureException.class)
                .hasMessage("The servers of @WithPostgres of SomeTest could not be started: primary exited with code 1")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(holder::current).isInstanceOf(InfrastructureException.class).hasMessageContaining("failed to start");
    }

    @Test
    @DisplayName("an infrastructure failure, such as no backend, passes through as it is")
    void backendUnavailable() {
        InfrastructureException noDocker = new dev.dbkata.testkit.backend.BackendUnavailableException("no Docker daemon");
        TopologyHolder<Scripted> holder = new TopologyHolder<>("@WithRedis of SomeTest", () -> {
            throw noDocker;
        }, Reset.NEVER);

        assertThatThrownBy(holder::start).isSameAs(noDocker);
    }

    @Test
    @DisplayName("a topology that cannot be mended is replaced; if the replacement fails too, that is an infrastructure failure")
    void mendAndReplaceFail() {
        Scripted broken = new Scripted();
        broken.heal = () -> {
            throw new AssertionError("Gave up after 30 s waiting for replica1 to stream");
        };
        TopologyHolder<Scripted> holder = new TopologyHolder<>("@WithPostgresCluster of SomeTest",
                starts(broken, null), Reset.NEVER);
        holder.start();
        holder.prepareForTest();

        assertThatThrownBy(holder::prepareForTest).isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("could not be mended, nor new ones started")
                .hasRootCauseMessage("primary exited with code 1");
        assertThat(broken.closed).as("the unmendable topology was closed").isTrue();
    }

    @Test
    @DisplayName("after a failed replacement, the next test tries a new topology again")
    void replacementIsRetried() {
        Scripted unmendable = new Scripted();
        unmendable.heal = () -> false;
        Scripted fresh = new Scripted();
        TopologyHolder<Scripted> holder = new TopologyHolder<>("@WithShards of SomeTest",
                starts(unmendable, null, fresh), Reset.NEVER);
        holder.start();
        holder.prepareForTest();
        assertThatThrownBy(holder::prepareForTest).isInstanceOf(InfrastructureException.class);

        holder.prepareForTest();

        assertThat(holder.current()).isSameAs(fresh);
    }

    @Test
    @DisplayName("a data reset that fails is an infrastructure failure")
    void resetFails() {
        Scripted topology = new Scripted();
        topology.reset = () -> {
            throw new IllegalStateException("Could not reset primary between tests: lock timeout");
        };
        TopologyHolder<Scripted> holder = new TopologyHolder<>("@WithPostgres of SomeTest", starts(topology),
                Reset.BEFORE_EACH_TEST);
        holder.start();

        assertThatThrownBy(holder::prepareForTest).isInstanceOf(InfrastructureException.class)
                .hasMessage("The servers of @WithPostgres of SomeTest could not be emptied before the test:"
                        + " Could not reset primary between tests: lock timeout");
    }
}
