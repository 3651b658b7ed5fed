package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StartFailuresTest {

    @Test
    @DisplayName("names the node and shows only the last 20 lines of its log")
    void namesNodeAndTailsLog() {
        String log = IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\n";

        String message = StartFailures.describe("replica2", "stopped before it accepted connections", log, 25_001);

        assertThat(message).startsWith("replica2 stopped before it accepted connections.\n");
        assertThat(message).contains("line 31\n").endsWith("line 50");
        assertThat(message).doesNotContain("line 30\n");
        assertThat(message).doesNotContain("was taken by another program");
    }

    @Test
    @DisplayName("an empty log is said to be empty")
    void emptyLog() {
        assertThat(StartFailures.describe("primary", "did not accept connections within 60 s", "", 25_001))
                .endsWith("Last lines of its container log:\n(empty)");
    }

    @Test
    @DisplayName("a host port taken in the meantime gets a hint naming the port")
    void portTaken() {
        String message = StartFailures.describe("primary",
                "could not be created or started (Bind for 127.0.0.1:25001 failed: port is already allocated)",
                "(no container was created)", 25_001);

        assertThat(message).contains("Host port 25001 was taken by another program");
    }

    @Test
    @DisplayName("the tail of a short text is the whole text")
    void shortTail() {
        assertThat(StartFailures.lastLines("a\nb\n", 20)).isEqualTo("a\nb");
    }
}
