package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exercism's test_code: a test method's source, cut from its class by the method's name. */
class TestCodeTest {

    private static final String SOURCE = """
            package x;

            /** A class whose comments and strings mention failover() { and } to mislead a naive search. */
            class FailoverTest {

                // void failover() { this comment is not the method }
                private static final String TRAP = "void failover() {";

                /** Javadoc stays out. */
                @Test
                @DisplayName("promotes the most advanced replica, "
                        + "never a lagging one")
                void failover() throws Exception {
                    String braces = "}}}";
                    if (braces.isEmpty()) {
                        throw new AssertionError('}');
                    }
                }

                @Nested
                class WhenThePrimaryAnswers {

                    @Test
                    void failover() {
                        assertThat(1).isEqualTo(1);
                    }
                }
            }
            """;

    @Test
    @DisplayName("the method with its annotations, without comments before it or the class's indentation")
    void cutsTheMethod() {
        assertThat(TestCode.method(SOURCE, List.of(), "failover")).hasValue("""
                @Test
                @DisplayName("promotes the most advanced replica, "
                        + "never a lagging one")
                void failover() throws Exception {
                    String braces = "}}}";
                    if (braces.isEmpty()) {
                        throw new AssertionError('}');
                    }
                }""");
        assertThat(TestCode.method(SOURCE, List.of("WhenThePrimaryAnswers"), "failover")).as("Outer$Nested: the nested one")
                .hasValue("""
                        @Test
                        void failover() {
                            assertThat(1).isEqualTo(1);
                        }""");
        assertThat(TestCode.method(SOURCE, List.of(), "missing")).isEmpty();
        assertThat(TestCode.method(SOURCE, List.of("Nowhere"), "failover")).isEmpty();
    }

    @Test
    @DisplayName("outcomes get the source of their method from the exercise's test sources; unknown ones stay as they were")
    void attaches(@TempDir Path folder) throws Exception {
        Files.createDirectories(folder.resolve("x"));
        Files.writeString(folder.resolve("x/FailoverTest.java"), SOURCE);
        TestCode code = new TestCode(folder);
        List<TestOutcome> outcomes = code.attach(List.of(
                new TestOutcome("x.FailoverTest$WhenThePrimaryAnswers", "no promotion", TaskStatus.FAILED, "m", 1, "",
                        List.of(), "failover", ""),
                new TestOutcome("x.Missing", "gone", TaskStatus.PASSED, null, 1, "", List.of(), "gone", ""),
                new TestOutcome("x.FailoverTest", "no method known", TaskStatus.PASSED, null, 1, "")));

        assertThat(outcomes.get(0).testCode()).startsWith("@Test\nvoid failover() {");
        assertThat(outcomes.get(1).testCode()).isEmpty();
        assertThat(outcomes.get(2).testCode()).isEmpty();
    }
}
