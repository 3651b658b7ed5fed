package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisContainerPlanTest {

    @Test
    @DisplayName("Redis listens on its published port, runs without snapshots or an append-only file,"
            + " and accepts forwarded clients")
    void command() {
        assertThat(RedisContainerPlan.command(25_004)).containsExactly("redis-server", "--port", "25004",
                "--save", "", "--appendonly", "no", "--protected-mode", "no");
    }
}
