package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout check names each missing piece of an exercise, one problem per piece. */
class RepositoryLayoutTest {

    // A number no real topic has (the roadmap has ten): kata new appends its entry, whatever exists.
    private static final String ID = "11-warehousing";

    private KataRepository kata;

    @BeforeEach
    void createExercise(@TempDir Path folder) throws IOException {
        kata = NewExerciseTest.repositoryFrame(folder.resolve("kata"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int status = new Main(quiet, quiet, Map.of()).run(new String[] {"new", ID, "Data warehousing", "ADVANCED",
                "--repo", kata.root().toString()});
        assertThat(status).isEqualTo(Main.OK);
        assertThat(problems()).as("complete as kata new wrote it").isEmpty();
    }

    @Test
    @DisplayName("a missing solution")
    void missingSolution() {
        FileCopies.deleteTree(kata.solution(ID));

        assertThat(problems()).anySatisfy(p -> assertThat(p).isEqualTo(
                "exercises/" + ID + " has no solution: solutions/" + ID + " is missing (kata new creates both)"));
    }

    @Test
    @DisplayName("a module entry missing from either aggregator pom")
    void missingModules() throws IOException {
        edit("exercises/pom.xml", "<module>" + ID + "</module>", "");
        edit("solutions/pom.xml", "<module>" + ID + "</module>", "<!-- <module>" + ID + "</module> -->");

        assertThat(problems())
                .contains("exercises/pom.xml does not list <module>" + ID + "</module>, so the build skips it")
                .contains("solutions/pom.xml does not list <module>" + ID + "</module>, so the build skips it");
    }

    @Test
    @DisplayName("the coverage pom's dependency on the solution")
    void missingCoverage() throws IOException {
        edit("quality/coverage/pom.xml", "solution-" + ID, "solution-other");

        assertThat(problems()).anySatisfy(p -> assertThat(p)
                .startsWith("quality/coverage/pom.xml does not depend on solution-" + ID));
    }

    @Test
    @DisplayName("the roadmap's link, and a count that differs from the @Task annotations")
    void roadmap() throws IOException {
        edit("roadmap.md", "1 task, 1 point", "2 tasks, 4 points");
        assertThat(problems()).containsExactly("roadmap.md: the entry of " + ID
                + " says \"2 tasks, 4 points\", but its tests declare 1 task, 1 point (@Task annotations)");

        edit("roadmap.md", "(exercises/" + ID + "/)", "(exercises/)");
        assertThat(problems()).anySatisfy(p -> assertThat(p).startsWith("roadmap.md does not link exercises/" + ID));
    }

    @Test
    @DisplayName("README.md, HINTS.md and SOLUTION.md")
    void documents() throws IOException {
        Files.delete(kata.exercise(ID).resolve("README.md"));
        Files.delete(kata.exercise(ID).resolve("HINTS.md"));
        Files.delete(kata.solution(ID).resolve("SOLUTION.md"));

        assertThat(problems()).contains("exercises/" + ID + ": no README.md", "exercises/" + ID + ": no HINTS.md",
                "solutions/" + ID + ": no SOLUTION.md");
    }

    @Test
    @DisplayName("the README's totals, when they differ from the tests")
    void readmeTotals() throws IOException {
        edit("README.md", "1 exercise, 1 task, 1 point", "1 exercise, 3 tasks, 9 points");

        assertThat(problems()).containsExactly("README.md says \"1 exercise, 3 tasks, 9 points\", but the tests declare"
                + " 1 exercise, 1 task, 1 point (@Exercise and @Task annotations): write \"1 exercise, 1 task, 1 point\"");
    }

    @Test
    @DisplayName("a mistake patch without its Task: and Mistake: lines, or naming a task that does not exist")
    void mistakes() throws IOException {
        Path mistakes = Files.createDirectories(kata.solution(ID).resolve("mistakes"));
        Files.writeString(mistakes.resolve("good.patch"), "Task: server-version\nMistake: hard-codes 17\ndiff --git a/x b/x\n");
        Files.writeString(mistakes.resolve("headless.patch"), "diff --git a/x b/x\n");
        Files.writeString(mistakes.resolve("stray.patch"), "Task: no-such-task\nMistake: something\ndiff --git a/x b/x\n");

        List<String> problems = problems();
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("solutions/" + ID + "/mistakes/headless.patch must start with a \"Task: task-id\"");
        assertThat(problems.get(1)).startsWith("solutions/" + ID + "/mistakes/stray.patch names task no-such-task");
    }

    @Test
    @DisplayName("a solution without an exercise, and an exercise without @Task")
    void strays() throws IOException {
        Files.createDirectories(kata.root().resolve("solutions/11-orphan"));
        Path test = kata.exercise(ID).resolve("src/test/java/dev/dbkata/warehousing/ServerVersionTest.java");
        Files.writeString(test, Files.readString(test).replaceFirst("(?m)^@Task\\(.*$", ""));

        assertThat(problems())
                .contains("solutions/11-orphan has no exercise: exercises/11-orphan is missing")
                .anySatisfy(p -> assertThat(p).isEqualTo("exercises/" + ID + ": no test class is annotated with @Task"));
    }

    private List<String> problems() {
        return new RepositoryLayout(kata).problems();
    }

    private void edit(String file, String from, String to) throws IOException {
        Path path = kata.root().resolve(file);
        String text = Files.readString(path);
        assertThat(text).contains(from);
        Files.writeString(path, text.replace(from, to));
    }
}
