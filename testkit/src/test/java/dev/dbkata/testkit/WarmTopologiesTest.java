package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code kata watch} keeps servers between runs: a class's topology goes back to
 * {@link WarmTopologies} and the next class with the same declaration gets it mended and emptied.
 * Checked on stand-in topologies; the real servers' reset is {@link ResetBetweenTestsTest}'s.
 */
class WarmTopologiesTest {

    /** Records what was done to it. */
    private static final class Recorded implements Topology {
        final List<String> calls = new ArrayList<>();
        boolean healthy = true;

        @Override
        public boolean heal() {
            calls.add("heal");
            return healthy;
        }

        @Override
        public void resetData() {
            calls.add("reset");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    private final List<Recorded> started = new ArrayList<>();

    private Supplier<Recorded> starter() {
        return () -> {
            Recorded topology = new Recorded();
            started.add(topology);
            return topology;
        };
    }

    private TopologyHolder<Recorded> classDeclaring(Object declaration, Reset reset) {
        TopologyHolder<Recorded> holder = new TopologyHolder<>("@WithPostgres of SomeTest", starter(), reset, declaration);
        holder.start();
        return holder;
    }

    @AfterEach
    void stopKeeping() {
        WarmTopologies.closeAll();
    }

    @Test
    @DisplayName("off by default: a class's servers stop when the class is done")
    void offByDefault() {
        TopologyHolder<Recorded> first = classDeclaring("single", Reset.NEVER);
        first.close();
        classDeclaring("single", Reset.NEVER).close();

        assertThat(started).hasSize(2);
        assertThat(started.get(0).calls).containsExactly("close");
    }

    @Test
    @DisplayName("on: the next class with the same declaration gets the same servers, mended and emptied")
    void keptForTheNextClass() {
        WarmTopologies.enable();
        int reusedBefore = WarmTopologies.reused();
        TopologyHolder<Recorded> first = classDeclaring("single", Reset.NEVER);
        Recorded servers = first.current();
        first.close();
        assertThat(servers.calls).as("kept running").isEmpty();
        assertThat(WarmTopologies.idle()).isEqualTo(1);

        TopologyHolder<Recorded> second = classDeclaring("single", Reset.NEVER);

        assertThat(second.current()).isSameAs(servers);
        assertThat(servers.calls).containsExactly("heal", "reset");
        assertThat(WarmTopologies.reused()).isEqualTo(reusedBefore + 1);
        assertThat(WarmTopologies.idle()).isZero();
    }

    @Test
    @DisplayName("a class that empties its servers before each test is not emptied twice")
    void resetOnceWhenTheClassResetsAnyway() {
        WarmTopologies.enable();
        classDeclaring("single", Reset.BEFORE_EACH_TEST).close();

        TopologyHolder<Recorded> second = classDeclaring("single", Reset.BEFORE_EACH_TEST);
        second.prepareForTest();

        assertThat(started).hasSize(1);
        assertThat(started.get(0).calls).containsExactly("heal", "reset");
    }

    @Test
    @DisplayName("a different declaration gets servers of its own")
    void otherDeclarationStartsItsOwn() {
        WarmTopologies.enable();
        classDeclaring("single", Reset.NEVER).close();

        classDeclaring("cluster of 2", Reset.NEVER);

        assertThat(started).hasSize(2);
    }

    @Test
    @DisplayName("kept servers that cannot be mended are stopped and new ones started")
    void unmendableIsReplaced() {
        WarmTopologies.enable();
        TopologyHolder<Recorded> first = classDeclaring("single", Reset.NEVER);
        first.current().healthy = false;
        first.close();

        TopologyHolder<Recorded> second = classDeclaring("single", Reset.NEVER);

        assertThat(started).hasSize(2);
        assertThat(second.current()).isSameAs(started.get(1));
        assertThat(started.get(0).calls).containsExactly("heal", "close");
    }

    @Test
    @DisplayName("closeAll stops what is kept and keeps nothing afterwards")
    void closeAllStopsEverything() {
        WarmTopologies.enable();
        classDeclaring("single", Reset.NEVER).close();

        WarmTopologies.closeAll();
        classDeclaring("single", Reset.NEVER).close();

        assertThat(started).hasSize(2);
        assertThat(started.get(0).calls).containsExactly("close");
        assertThat(started.get(1).calls).containsExactly("close");
        assertThat(WarmTopologies.idle()).isZero();
    }
}
