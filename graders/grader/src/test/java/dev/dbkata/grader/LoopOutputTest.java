package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What {@code kata test} prints for one finished test. */
class LoopOutputTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final LoopOutput output = new LoopOutput(new PrintStream(printed, true, StandardCharsets.UTF_8),
            LoopOutput.Marks.UNICODE, false);

    private String shown(TestOutcome test) {
        output.test(test, Optional.empty(), false);
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a failure's message is shown whole, every line of it, however long")
    void wholeMessage() {
        String sentence = "the replica served the read although it lagged " + "far ".repeat(60) + "behind the primary.";
        String shown = shown(new TestOutcome("a.BTest", "readsFresh()", TaskStatus.FAILED,
                sentence + "\nExpected: 3\nbut was: 2", 10, ""));

        assertThat(shown).startsWith("  \u2717 readsFresh\n").contains("      " + sentence + "\n")
                .contains("      Expected: 3\n").contains("      but was: 2\n");
    }

    @Test
    @DisplayName("what the database saw is shown under the failure, per node with its role, the last 30 statements")
    void observedStatements() {
        List<ObservedStatement> statements = new ArrayList<>();
        for (int i = 1; i <= 32; i++) {
            statements.add(new ObservedStatement(i <= 31 ? "primary" : "replica1", i <= 31 ? "primary" : "replica",
                    "SELECT " + i));
        }
        String shown = shown(new TestOutcome("a.BTest", "readsFresh()", TaskStatus.FAILED, "stale read", 10, "",
                statements));

        assertThat(shown).contains("What the database saw from your code (the last 30 of 32 statements):")
                .contains("        primary:\n          SELECT 3\n").doesNotContain("SELECT 2\n")
                .contains("        replica1 (replica):\n          SELECT 32\n");
    }

    @Test
    @DisplayName("a passing test is one line; its statements are not shown")
    void passingIsOneLine() {
        String shown = shown(new TestOutcome("a.BTest", "each row lands in its month", TaskStatus.PASSED, null, 10, "",
                List.of(new ObservedStatement("primary", "primary", "SELECT 1"))));

        assertThat(shown).isEqualTo("  \u2713 each row lands in its month\n");
    }
}
