package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContainerLogTest {

    @Test
    @DisplayName("lines are judged by PostgreSQL's own millisecond time: Podman's API stamps whole seconds")
    void keepsWhatPostgresWroteFromTheMarkOn() {
        ContainerLog.Lines lines = new ContainerLog.Lines(Instant.parse("2026-11-27T15:59:00.500Z"), 1_000);
        lines.add("2026-11-27T15:59:00Z 2026-11-27 15:59:00.499 UTC [7] app=a: LOG:  statement: SELECT\n"
                + "2026-11-27T15:59:00Z \t'too early'\n");
        lines.add("2026-11-27T15:59:00Z 2026-11-27 15:59:00.500 UTC [7] app=a: LOG:  statement: SELECT\n"
                + "2026-11-27T15:59:00.6Z \t'first'\n");
        lines.add("not stamped by the engine\n");
        lines.add("2026-11-27T15:59:01+00:00 2026-11-27 15:59:01.000 UTC [7] app=a: LOG:  statement: SELECT 2\n");

        assertThat(lines.text()).isEqualTo("2026-11-27 15:59:00.500 UTC [7] app=a: LOG:  statement: SELECT\n"
                + "\t'first'\n2026-11-27 15:59:01.000 UTC [7] app=a: LOG:  statement: SELECT 2\n");
    }

    @Test
    @DisplayName("lines without PostgreSQL's time go by the engine's stamp; at most the latest bytes are kept")
    void otherLinesAndTheBound() {
        ContainerLog.Lines early = new ContainerLog.Lines(Instant.parse("2026-11-27T15:59:01.500Z"), 1_000);
        early.add("2026-11-27T15:59:00.900Z before\n2026-11-27T15:59:01Z same second\n");
        assertThat(early.text()).isEqualTo("same second\n");

        ContainerLog.Lines small = new ContainerLog.Lines(Instant.EPOCH, 12);
        small.add("2026-11-27T15:59:00Z one\n2026-11-27T15:59:01Z two\n2026-11-27T15:59:02Z three\n");
        assertThat(small.text()).isEqualTo("two\nthree\n");
    }
}
