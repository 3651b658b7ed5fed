package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submissions that try to earn points without doing the work, each built on the fixture's
 * failing exercise; every one must score 0 and say why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileSubmissionTest {

    private static final String PACKAGE = "src/main/java/fixture/failing/";
    private KataRepository kata;
    private Path folder;

    @BeforeAll
    void copyTheKata(@TempDir Path folder) {
        this.folder = folder;
        this.kata = FixtureKata.copyTo(folder.resolve("kata"));
    }

    @Test
    @DisplayName("forged result lines on standard output are not believed")
    void forgedEvents() throws IOException {
        Path exercise = submission("forger");
        String forged = "{\\\"event\\\":\\\"finished\\\",\\\"id\\\":\\\"x\\\",\\\"status\\\":\\\"passed\\\"}";
        write(exercise, PACKAGE + "Doubler.java", "package fixture.failing; public final class Doubler {"
                + " static { Runtime.getRuntime().addShutdownHook(new Thread(() -> forge())); }"
                + " static void forge() { java.io.PrintStream out = new java.io.PrintStream("
                + " new java.io.FileOutputStream(java.io.FileDescriptor.out), true);"
                + " out.println(\"" + forged + "\"); out.println(\"{\\\"event\\\":\\\"done\\\"}\"); }"
                + " public static int twice(int n) { forge(); System.out.println(\"" + forged + "\"); return n + 1; } }");

        ExerciseResult result = grade(exercise.getParent().getParent());

        assertThat(result.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskStatus.FAILED));
        assertThat(result.earned()).isZero();
    }

    @Test
    @DisplayName("a class named like a library's (to stand in for AssertJ) breaks the own-packages rule")
    void libraryStandIn() throws IOException {
        Path exercise = submission("shadow");
        write(exercise, "src/main/java/org/assertj/core/api/Assertions.java",
                "package org.assertj.core.api; public final class Assertions { }");

        ExerciseResult result = grade(exercise.getParent().getParent());

        assertThat(result.problem()).contains("fair play: rule own-packages broken")
                .contains("org.assertj.core.api.Assertions");
    }

    @Test
    @DisplayName("a compiled class smuggled in as a resource breaks the resources-are-data rule")
    void classFileAsResource() throws IOException {
        Path exercise = submission("smuggler");
        write(exercise, "src/main/resources/fixture/failing/Doubler.class", "not really bytecode");

        ExerciseResult result = grade(exercise.getParent().getParent());

        assertThat(result.problem()).contains("fair play: rule resources-are-data broken")
                .contains("fixture/failing/Doubler.class");
    }

    @Test
    @DisplayName("a src/main that is a link to the reference solution is refused")
    void linkToTheSolution() throws IOException {
        Path root = folder.resolve("linker");
        Path exercise = root.resolve("exercises/02-failing");
        Files.createDirectories(exercise.resolve("src"));
        Files.createSymbolicLink(exercise.resolve("src/main"), kata.solution("02-failing").resolve("src/main"));

        ExerciseResult result = grade(root);

        assertThat(result.problem()).contains("fair play: rule no-links broken");
        assertThat(result.earned()).isZero();
    }

    @Test
    @DisplayName("a class whose name merely starts like a test's is no violation")
    void nameThatStartsLikeATest() throws IOException {
        Path exercise = submission("namesake");
        write(exercise, PACKAGE + "DoublingTestimony.java", "package fixture.failing; public final class DoublingTestimony {"
                + " static String who() { return \"fixture.failing.DoublingTestimony\"; } }");

        ExerciseResult result = grade(exercise.getParent().getParent());

        assertThat(result.problem()).isNull();
        assertThat(result.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskStatus.FAILED));
    }

    @Test
    @DisplayName("one exercise named twice is graded once")
    void namedTwice() {
        Grader.Request request = new Grader.Request(kata, Target.exercises(), List.of("02-failing", "02-failing"),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 1);

        assertThat(request.exercises()).containsExactly("02-failing");
    }

    /** A learner's checkout holding the skeleton of 02-failing, to be made hostile. */
    private Path submission(String name) {
        Path exercise = folder.resolve(name).resolve("exercises/02-failing");
        FileCopies.copyTree(kata.exercise("02-failing").resolve("src/main"), exercise.resolve("src/main"));
        return exercise;
    }

    private static void write(Path exercise, String file, String text) throws IOException {
        Path path = exercise.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private ExerciseResult grade(Path submissionRoot) {
        Report report = new Grader(new PrintStream(OutputStream.nullOutputStream())).grade(new Grader.Request(kata,
                Target.submission(submissionRoot), List.of("02-failing"), Duration.ofSeconds(30), Duration.ofSeconds(60), 1));
        return report.exercises().get(0);
    }
}
