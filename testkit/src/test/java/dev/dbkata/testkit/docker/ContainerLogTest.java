package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ContainerLogTest {

    @Test
    void keepsTheLinesStampedFromTheMarkOnAndAtMostTheLatestBytes() {
        ContainerLog.Lines lines = new ContainerLog.Lines(Instant.parse("2026-11-27T15:59:00.500Z"), 1_000);
        lines.add("2026-11-27T15:59:00.400000000Z too early\n");
        lines.add("2026-11-27T15:59:00.500000001Z first\n2026-11-27T15:59:00.6Z \tcontinued\n");
        lines.add("not stamped\n");
        assertThat(lines.text()).isEqualTo("first\n\tcontinued\n");

        ContainerLog.Lines small = new ContainerLog.Lines(Instant.EPOCH, 12);
        small.add("2026-11-27T15:59:00Z one\n2026-11-27T15:59:01Z two\n2026-11-27T15:59:02Z three\n");
        assertThat(small.text()).isEqualTo("two\nthree\n");
    }
}
