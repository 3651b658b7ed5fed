package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HintsTest {

    @Test
    @DisplayName("hints are list items or ### headings of the task's ## section, multi-line items kept whole")
    void parsesBothShapes(@TempDir Path folder) throws Exception {
        String hints = Files.readString(FixtureKata.copyTo(folder).exercise("01-passing").resolve("HINTS.md"));

        assertThat(Hints.of(hints, "overflow")).containsExactly("Java ints wrap around.",
                "Nothing to do:\nit already works.");
        assertThat(Hints.of(hints, "adding")).containsExactly("Start small\nUse `+`.");
        assertThat(Hints.of(hints, "add")).as("a task id matches whole words only").isEmpty();
    }

    @Test
    @DisplayName("each call shows the next hint, then keeps showing the last one")
    void showsOneHintAtATime(@TempDir Path folder) {
        KataRepository kata = FixtureKata.copyTo(folder);

        assertThat(Hints.next(kata, "01-passing", "overflow")).contains("Hint 1 of 2").contains("wrap around");
        assertThat(Hints.next(kata, "01-passing", "overflow")).contains("Hint 2 of 2").contains("last hint");
        assertThat(Hints.next(kata, "01-passing", "overflow")).contains("Hint 2 of 2");
        assertThat(Hints.next(kata, "01-passing", null)).as("without a task: the first one not done")
                .contains("for 01-passing / overflow");
    }

    @Test
    @DisplayName("an unknown task is named along with the real ones")
    void unknownTask(@TempDir Path folder) {
        KataRepository kata = FixtureKata.copyTo(folder);

        assertThatThrownBy(() -> Hints.next(kata, "01-passing", "nope")).hasMessageContaining("no task nope")
                .hasMessageContaining("overflow, adding");
        assertThatThrownBy(() -> Hints.next(kata, "01-pasing", null)).hasMessageContaining("there is no exercise 01-pasing")
                .hasMessageContaining("Did you mean 01-passing?");
    }

    @Test
    @DisplayName("a hint is printed without the indentation that continues a Markdown list item; deeper indentation stays")
    void dedented() {
        String hints = """
                ## task
                1. Count the round trips:
                   one per statement,
                   one per commit.

                       SELECT 1;   -- a code block, indented four more
                2. Next.
                """;
        assertThat(Hints.of(hints, "task").get(0)).isEqualTo(
                "Count the round trips:\none per statement,\none per commit.\n\n    SELECT 1;   -- a code block, indented four more");
        assertThat(Hints.dedented("   only one line  ")).isEqualTo("only one line");
    }
}
