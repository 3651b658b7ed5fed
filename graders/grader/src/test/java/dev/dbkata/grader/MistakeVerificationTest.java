package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kata verify --mistakes} on the fixture kata, whose {@code solutions/02-failing/mistakes}
 * holds one mistake of each kind: caught, not caught, caught only by the time limit, not
 * compiling, not applying, without a header, naming an unknown task.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MistakeVerificationTest {

    private KataRepository kata;
    private Map<String, String> before;
    private int status;
    private String out;
    private String err;

    @BeforeAll
    void verifyTheFixtureMistakes(@TempDir Path folder) {
        kata = FixtureKata.copyTo(folder.resolve("kata"));
        before = FixtureKata.fingerprint(kata.root());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Main main = new Main(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), Map.of());
        status = main.run(new String[] {"verify", "--mistakes", "--repo", kata.root().toString(), "--test-timeout", "3",
                "--jobs", "2"});
        out = stdout.toString(StandardCharsets.UTF_8);
        err = stderr.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a mistake its task's tests reject is caught, with the message they showed")
    void caught() {
        assertThat(line("02-failing/adds-one ")).startsWith("  caught ").contains(" doubling ")
                .contains("twice 2 should be 4").contains("[doubles()]");
    }

    @Test
    @DisplayName("a mistake its task's tests let pass is NOT CAUGHT, and the command exits 1")
    void notCaught() {
        assertThat(line("02-failing/adds-one-unnoticed")).startsWith("  NOT CAUGHT").contains(" halving ")
                .contains("every test of halving passed with this mistake: adds one to the double");
        assertThat(status).isEqualTo(Main.FAILED);
    }

    @Test
    @DisplayName("a mistake only the per-test time limit stops is reported as such, not as caught")
    void onlyTheTimeLimit() {
        assertThat(line("02-failing/loops")).startsWith("  caught only by the time limit").contains("timed out after 3 seconds");
    }

    @Test
    @DisplayName("the first failed check catches a mistake and ends its run: the task's test that would loop never runs")
    void caughtThoughAnotherTestIsSlow() {
        // halvesWhatWasDoubled runs first and fails its check; the looping test after it would
        // have run into the 3 s limit, which would show as "timed out" here.
        assertThat(line("02-failing/wrong-and-slow")).startsWith("  caught ").contains(" halving ")
                .contains("half of twice 3 should be 3").contains("[halvesWhatWasDoubled()]")
                .doesNotContain("timed out").doesNotContain("a check did fail in");
    }

    @Test
    @DisplayName("a mistake that does not compile is an error naming the compiler's message")
    void doesNotCompile() {
        assertThat(line("02-failing/does-not-compile")).startsWith("  error").contains("compile error:")
                .contains("Doubler.java");
    }

    @Test
    @DisplayName("a patch that does not apply, has no header or names an unknown task is refused, naming the file")
    void unusablePatches() {
        assertThat(line("02-failing/stale")).startsWith("  unusable ")
                .contains("solutions/02-failing/mistakes/stale.patch does not apply to the reference");
        assertThat(line("02-failing/no-header")).startsWith("  unusable ")
                .contains("solutions/02-failing/mistakes/no-header.patch has no header");
        assertThat(line("02-failing/unknown-task")).startsWith("  unusable ")
                .contains("names task 'tripling', which 02-failing does not have (its tasks: doubling, halving)");
    }

    @Test
    @DisplayName("a summary counts each verdict; exercises without mistakes are named; nothing in the kata changed")
    void summaryAndUntouchedKata() {
        assertThat(out).contains("kata verify --mistakes: 8 mistakes in 1 exercise: 2 caught, 1 NOT CAUGHT, "
                + "1 caught only by the time limit, 1 error, 3 unusable.");
        assertThat(out).contains("No mistakes yet: 01-passing, 03-exiting");
        assertThat(err).contains("[8/8]");
        assertThat(FixtureKata.fingerprint(kata.root())).isEqualTo(before);
    }

    @Test
    @DisplayName("when every mistake is caught, the command exits 0")
    void allCaught(@TempDir Path folder) throws IOException {
        KataRepository only = FixtureKata.copyTo(folder.resolve("kata"));
        try (var patches = Files.list(only.solution("02-failing").resolve("mistakes"))) {
            for (Path patch : patches.toList()) {
                if (!patch.getFileName().toString().equals("adds-one.patch")) {
                    Files.delete(patch);
                }
            }
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Main main = new Main(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());

        assertThat(main.run(new String[] {"verify", "--mistakes", "02-failing", "--repo", only.root().toString()}))
                .isEqualTo(Main.OK);
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .contains("kata verify --mistakes: 1 mistake in 1 exercise: 1 caught.");
    }

    @Test
    @DisplayName("a task filter runs only that task's test classes: the looping task's test never starts")
    void taskFilter(@TempDir Path folder) {
        KataRepository looping = FixtureKata.copyTo(folder.resolve("kata"));
        // Were the spinning task's test to run, it would hold the run for its whole limit.
        ExerciseJvm jvm = new ExerciseJvm("embedded", Duration.ofSeconds(300), Duration.ofSeconds(400));
        ExerciseGrader grader = new ExerciseGrader(looping, Target.exercises(), jvm, new SourceCompiler(), 1,
                Set.of("quick"));

        ExerciseResult result = grader.grade("04-looping", folder.resolve("work"));

        assertThat(FixtureKata.ids(result)).isEqualTo(List.of("quick"));
        assertThat(result.tasks().get(0).status()).isEqualTo(TaskStatus.PASSED);
        assertThat(result.durationMs()).as("the spinning test (300 s limit) did not run").isLessThan(250_000);
    }

    private String line(String mistake) {
        return out.lines().filter(l -> l.contains(mistake)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + mistake + " in:\n" + out + "\n" + err));
    }
}
