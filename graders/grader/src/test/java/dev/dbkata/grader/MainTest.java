package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: what it writes where, and its exit status. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

    @Test
    @DisplayName("--fail-under exits 1 below the bar, and --output writes the chosen format while text goes to the screen")
    void failUnderAndOutput(@TempDir Path folder) throws Exception {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));
        Path json = folder.resolve("reports/grade.json");

        int status = main.run(new String[] {"grade", "02-failing", "--repo", kata.root().toString(), "--format", "json",
                "--output", json.toString(), "--fail-under", "50"});

        assertThat(status).isEqualTo(Main.FAILED);
        assertThat(Files.readString(json)).contains("\"schemaVersion\" : 1");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Score by level");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("score 0.0% is below --fail-under 50.0%");
    }

    @Test
    @DisplayName("in GitHub Actions: the Points notice GitHub Classroom reads, and the Markdown report in the step summary")
    void gitHubActions(@TempDir Path folder) throws Exception {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));
        Path summary = folder.resolve("summary.md");
        Main inActions = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("GITHUB_ACTIONS", "true", "GITHUB_STEP_SUMMARY", summary.toString()));

        assertThat(inActions.run(new String[] {"grade", "02-failing", "--repo", kata.root().toString()})).isEqualTo(Main.OK);

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("::notice title=Autograding complete::Points 0/3");
        assertThat(Files.readString(summary)).startsWith("## Database Scaling Kata: 0/3 points (0.0%)");
    }

    @Test
    @DisplayName("usage mistakes exit 2 with a message that says what is wrong")
    void usageMistakes(@TempDir Path folder) {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));
        String repo = kata.root().toString();

        assertThat(main.run(new String[] {"grade", "--repo", repo, "--repeat", "zero"})).isEqualTo(Main.UNUSABLE);
        assertThat(main.run(new String[] {"grade", "99-nothing", "--repo", repo})).isEqualTo(Main.UNUSABLE);
        assertThat(main.run(new String[] {"grade", "--repo", repo, "--submission", folder.resolve("missing").toString()}))
                .isEqualTo(Main.UNUSABLE);
        assertThat(main.run(new String[] {"grade", "--repo", folder.toString()})).isEqualTo(Main.UNUSABLE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--repeat takes a number from 1 to 100, not zero")
                .contains("there is no exercise 99-nothing.")
                .contains("has no exercises/ folder")
                .contains("is not a kata repository");
    }

    @Test
    @DisplayName("list shows every exercise with its level, tasks and points, without building anything")
    void list(@TempDir Path folder) {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));

        assertThat(main.run(new String[] {"list", "--repo", kata.root().toString()})).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("01-passing               Beginner          2      5  not tested yet")
                .contains("[ ] overflow                     Advanced      3  Wrap around \"like Java\"");
    }

    @Test
    @DisplayName("--help prints every option and exits 0, for grade and verify alike")
    void help() {
        assertThat(main.run(new String[] {"grade", "--help"})).isEqualTo(Main.OK);
        assertThat(main.run(new String[] {"verify", "-h"})).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--fail-under PCT").contains("--exercise-timeout S");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
