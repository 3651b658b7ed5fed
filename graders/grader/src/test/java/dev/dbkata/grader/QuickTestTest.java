package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kata test} on the fixture kata, in this JVM as the command runs: what the learner reads,
 * the exit status, the progress it leaves for {@code kata list}, and that only what changed is
 * compiled again.
 */
class QuickTestTest {

    private static final Map<String, String> UTF8 = Map.of("LANG", "C.UTF-8");

    @TempDir
    Path folder;
    private KataRepository kata;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void copyFixture() {
        kata = FixtureKata.copyTo(folder.resolve("kata"));
    }

    private int test(String... words) {
        printed.reset();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        return new QuickTest(kata, out, out, UTF8).run(List.of(words), Duration.ofSeconds(20));
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a passing exercise: a tick per test, a line per task, and where to go next")
    void passing() {
        assertThat(test("01-passing")).isZero();

        assertThat(output()).contains("01-passing: ").contains("  \u2713 ").doesNotContain("\u2717")
                .contains("Every task of 01-passing passes").contains("./kata grade 01-passing");
    }

    @Test
    @DisplayName("a failing task: a cross, the failure in full, exit 1, and the hint command")
    void failing() {
        assertThat(test("02-failing", "doubling")).isEqualTo(1);

        assertThat(output()).contains("02-failing / doubling: Double a number (1 point)")
                .contains("  \u2717 doubles")
                .contains("      UnsupportedOperationException: TODO(doubling): return twice n")
                .contains("\u2717 doubling").contains("0 of 1 tests pass")
                .contains("Stuck? ./kata hint 02-failing doubling")
                .as("only the task asked for runs").doesNotContain("halves");
    }

    @Test
    @DisplayName("the run is recorded where kata list reads progress")
    void progressRecorded() {
        test("02-failing", "doubling");

        Map<String, Boolean> done = Progress.of(kata, kata.catalog("02-failing"));
        assertThat(done).containsEntry("doubling", false).doesNotContainKey("halving");
    }

    @Test
    @DisplayName("code that does not compile: the compiler's first error, with file and line, and exit 1")
    void compileError() {
        assertThat(test("05-broken")).isEqualTo(1);

        assertThat(output()).contains("the tests did not run").contains("compile error: src/main/java/fixture/broken/Greeter.java:5");
    }

    @Test
    @DisplayName("passing tests on code that breaks a fair-play rule: no pass, the rule named, as kata grade would")
    void fairPlayCheckedOnPass() {
        assertThat(test("06-cheating")).isEqualTo(1);

        assertThat(output()).contains("\u2713 isOne").contains("fair play: rule no-exit broken")
                .doesNotContain("Every task of 06-cheating passes");
        assertThat(Progress.of(kata, kata.catalog("06-cheating"))).as("no pass recorded").doesNotContainEntry("value", true);
    }

    @Test
    @DisplayName("an unknown exercise or task is named, with the ones that exist, in every command's words")
    void unknownNames() {
        assertThatThrownBy(() -> test("99-nothing")).isInstanceOf(GradingException.class)
                .hasMessageStartingWith("there is no exercise 99-nothing.").hasMessageContaining("01-passing");
        assertThatThrownBy(() -> test("02-failing", "tripling")).isInstanceOf(GradingException.class)
                .hasMessageStartingWith("02-failing has no task tripling.")
                .hasMessageContaining("Its tasks: doubling, halving");
    }

    @Test
    @DisplayName("nothing is compiled when nothing changed; a changed body compiles the code, a changed signature the tests too")
    void compilesOnlyWhatChanged() throws IOException {
        LearnerBuild build = new LearnerBuild(kata, new SourceCompiler());
        TaskCatalog catalog = kata.catalog("02-failing");
        assertThat(build.build(catalog, List.of()).compiled()).containsExactly("code", "tests");
        assertThat(build.build(catalog, List.of()).compiled()).isEmpty();

        Path doubler = kata.exercise("02-failing").resolve("src/main/java/fixture/failing/Doubler.java");
        Files.writeString(doubler, Files.readString(doubler).replace("throw new UnsupportedOperationException(\"TODO(doubling): return twice n\");",
                "return n * 2;"));
        Path given = kata.exercise("02-failing").resolve("target/kata/loop/classes/fixture/failing/Expected.class");
        java.nio.file.attribute.FileTime compiledBefore = Files.getLastModifiedTime(given);
        Files.setLastModifiedTime(given, java.nio.file.attribute.FileTime.fromMillis(compiledBefore.toMillis() - 60_000));
        assertThat(build.build(catalog, List.of()).compiled()).containsExactly("code");
        assertThat(Files.getLastModifiedTime(given).toMillis()).as("the unchanged class was not compiled again")
                .isEqualTo(compiledBefore.toMillis() - 60_000);
        assertThat(test("02-failing")).as("the changed body runs").isZero();

        Files.writeString(doubler, Files.readString(doubler).replace("int twice(int n)", "long twice(int n)"));
        LearnerBuild.Built changed = build.build(catalog, List.of());
        assertThat(changed.compiled()).containsExactly("code", "tests");
        assertThat(changed.problem()).isNull();
    }

    @Test
    @DisplayName("an editor's swap and backup files change nothing")
    void editorFilesIgnored() throws IOException {
        LearnerBuild build = new LearnerBuild(kata, new SourceCompiler());
        TaskCatalog catalog = kata.catalog("01-passing");
        build.build(catalog, List.of());
        Path code = kata.exercise("01-passing").resolve("src/main/java/fixture/passing");
        Files.writeString(code.resolve(".Adder.java.swp"), "swap");
        Files.writeString(code.resolve("Adder.java~"), "backup");

        assertThat(build.build(catalog, List.of()).compiled()).isEmpty();
    }

    @Test
    @DisplayName("with -v, each test's time and what a failing test printed are shown too")
    void verbose() {
        test("02-failing", "doubling", "-v");

        assertThat(output()).contains("  \u2717 doubles  (").contains("(compile ");
    }

    @Test
    @DisplayName("plain ASCII marks where the terminal is not UTF-8")
    void asciiMarks() {
        printed.reset();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        new QuickTest(kata, out, out, Map.of("LANG", "C")).run(List.of("02-failing"), Duration.ofSeconds(20));

        assertThat(output()).contains("  x doubles").doesNotContain("\u2717");
    }
}
