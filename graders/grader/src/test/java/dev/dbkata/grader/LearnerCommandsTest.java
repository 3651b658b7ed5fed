package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kata export-learner}, {@code kata reset} and {@code kata solution} on the fixture kata. */
class LearnerCommandsTest {

    private static final String DOUBLER = "exercises/02-failing/src/main/java/fixture/failing/Doubler.java";

    @Test
    @DisplayName("export-learner leaves out solutions/, quality/ and .ci/, keeps the skeletons, and the canonical grader grades the export")
    void exportIsGradable(@TempDir Path folder) throws Exception {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));
        Files.writeString(kata.root().resolve("pom.xml"), """
                <project>
                    <modules>
                        <module>testkit</module>
                        <module>exercises</module>
                        <module>solutions</module>
                        <!-- Last: they read what the modules above produced. -->
                        <module>quality/architecture</module>
                        <module>quality/layout</module>
                    </modules>
                </project>
                """);
        Files.createDirectories(kata.root().resolve("quality/layout"));
        Files.writeString(kata.root().resolve("quality/layout/pom.xml"), "<project/>");
        Files.createDirectories(kata.root().resolve(".ci"));
        Files.writeString(kata.root().resolve(".ci/run"), "kata verify");
        Path export = folder.resolve("learner-repo");

        int status = main(kata).run(new String[] {"export-learner", export.toString(), "--repo", kata.root().toString()});

        assertThat(status).isZero();
        assertThat(export.resolve("solutions")).doesNotExist();
        assertThat(export.resolve("quality")).doesNotExist();
        assertThat(export.resolve(".ci")).doesNotExist();
        assertThat(export.resolve("exercises/02-failing/README.md")).isRegularFile();
        assertThat(export.resolve("exercises/02-failing/target")).as("no build output").doesNotExist();
        assertThat(Files.readString(export.resolve("pom.xml"))).contains("<module>exercises</module>")
                .doesNotContain("solutions").doesNotContain("quality");
        assertThat(export.resolve(".kata/skeleton").resolve(DOUBLER.replace("exercises/", ""))).isRegularFile();

        Report report = new Grader(new PrintStream(new ByteArrayOutputStream())).grade(new Grader.Request(kata,
                Target.submission(export), List.of("01-passing", "02-failing"), Duration.ofSeconds(20),
                Duration.ofSeconds(90), 1));
        assertThat(report.exercises().get(0).earned()).as("01-passing's code passes").isEqualTo(5);
        assertThat(report.exercises().get(1).tasks().get(0).message()).contains("TODO(doubling)");

        assertThat(main(kata).run(new String[] {"export-learner", export.toString(), "--repo", kata.root().toString()}))
                .as("never into a folder that is not empty").isEqualTo(Main.UNUSABLE);
    }

    @Test
    @DisplayName("reset asks first, keeps a copy of the learner's file, and restores the skeleton of one task or the whole exercise")
    void reset(@TempDir Path folder) throws Exception {
        KataRepository canonical = FixtureKata.copyTo(folder.resolve("kata"));
        Path export = folder.resolve("learner");
        new ExportLearner(canonical).export(export);
        KataRepository learner = new KataRepository(export);
        Path doubler = export.resolve(DOUBLER);
        String skeleton = Files.readString(doubler);
        Files.writeString(doubler, "package fixture.failing; public final class Doubler { /* mine */ }");
        Files.writeString(doubler.resolveSibling("Helper.java"), "package fixture.failing; class Helper { }");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int refused = new ResetCommand(learner, new PrintStream(out, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream("n\n".getBytes(StandardCharsets.UTF_8))).run(List.of("02-failing", "doubling"));
        assertThat(refused).isEqualTo(Main.FAILED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("restore  java/fixture/failing/Doubler.java")
                .contains("Reset? [y/N]").contains("Not reset.");
        assertThat(Files.readString(doubler)).contains("/* mine */");

        int noAnswer = new ResetCommand(learner, new PrintStream(out), new ByteArrayInputStream(new byte[0]))
                .run(List.of("02-failing"));
        assertThat(noAnswer).as("no answer (no terminal) is no").isEqualTo(Main.FAILED);

        out.reset();
        int done = new ResetCommand(learner, new PrintStream(out, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8))).run(List.of("02-failing", "doubling"));
        assertThat(done).isZero();
        assertThat(Files.readString(doubler)).isEqualTo(skeleton);
        assertThat(doubler.resolveSibling("Helper.java")).as("a task's reset touches only its files").exists();
        try (var backups = Files.walk(export.resolve(".kata/backups"))) {
            assertThat(backups.filter(p -> p.endsWith("Doubler.java")).findFirst().orElseThrow()).content().contains("/* mine */");
        }

        int whole = new ResetCommand(learner, new PrintStream(out), new ByteArrayInputStream(new byte[0]))
                .run(List.of("02-failing", "--yes"));
        assertThat(whole).isZero();
        assertThat(doubler.resolveSibling("Helper.java")).as("the whole exercise: files the skeleton lacks go").doesNotExist();

        out.reset();
        new ResetCommand(learner, new PrintStream(out, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]))
                .run(List.of("02-failing", "--yes"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Nothing to reset");

        assertThatThrownBy(() -> new ResetCommand(learner, new PrintStream(out), new ByteArrayInputStream(new byte[0]))
                .run(List.of("02-failing", "no-such-task"))).hasMessageContaining("has no task no-such-task");
    }

    @Test
    @DisplayName("solution shows the task's section of SOLUTION.md only once the task passes")
    void solutionAfterPassing(@TempDir Path folder) throws Exception {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));
        Files.writeString(kata.solution("02-failing").resolve("SOLUTION.md"),
                "# Notes\n\n## doubling\n\nMultiply by two: `2 * n`.\n\n## halving\n\nHalve twice n.\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        String[] args = {"solution", "02-failing", "doubling", "--repo", kata.root().toString()};

        assertThat(main.run(args)).isEqualTo(Main.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has not been tested yet").contains("./kata hint");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Multiply");

        surefire(kata, "fixture.failing.DoublingTest", "<failure message=\"TODO\"/>");
        assertThat(main.run(args)).isEqualTo(Main.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not pass yet");

        surefire(kata, "fixture.failing.DoublingTest", "");
        assertThat(main.run(args)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("## doubling").contains("Multiply by two")
                .doesNotContain("Halve twice");
    }

    private static void surefire(KataRepository kata, String className, String body) throws Exception {
        Path reports = kata.exercise("02-failing").resolve("target/surefire-reports");
        Files.createDirectories(reports);
        Files.writeString(reports.resolve("TEST-" + className + ".xml"), "<testsuite><testcase classname=\"" + className
                + "\" name=\"doubles\">" + body + "</testcase></testsuite>");
    }

    private static Main main(KataRepository kata) {
        return new Main(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), Map.of());
    }
}
