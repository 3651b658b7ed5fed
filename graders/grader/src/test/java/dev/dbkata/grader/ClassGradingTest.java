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
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kata grade --submissions}: a class of synthetic forks of the fixture kata, graded two at
 * a time (the exercises 01-passing and 02-failing, to stay quick). alice hands in the skeleton,
 * bob the reference, carol a folder that is no fork at all, dave code that does not compile,
 * erin the reference through a git URL listed in a file, fay code that calls System.exit. Then the run is repeated (nothing
 * changed: nobody is graded again), one fork changes (only that learner is), and the learners'
 * JSON reports are merged into the same class report by {@code kata merge-reports}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassGradingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KataRepository kata;
    private Path forks;
    private Path out;
    private String firstRun;

    @BeforeAll
    void makeForks(@TempDir Path folder) throws Exception {
        kata = FixtureKata.copyTo(folder.resolve("kata"));
        forks = folder.resolve("forks");
        fork("alice");
        fork("bob");
        FileCopies.copyTree(kata.solution("02-failing").resolve("src/main"),
                forks.resolve("bob/exercises/02-failing/src/main"));
        Files.createDirectories(forks.resolve("carol/not-the-kata"));
        fork("dave");
        Files.writeString(forks.resolve("dave/exercises/02-failing/src/main/java/fixture/failing/Doubler.java"),
                "package fixture.failing; public final class Doubler { oops }");
        // fay's code would end the JVM that runs her tests: the fair-play rules refuse it before it runs.
        fork("fay");
        Files.writeString(forks.resolve("fay/exercises/01-passing/src/main/java/fixture/passing/Adder.java"),
                "package fixture.passing; public final class Adder {"
                        + " public static int add(int a, int b) { System.exit(3); return 0; } }");
        out = folder.resolve("class");
        firstRun = grade("--submissions", forks.toString());
    }

    private void fork(String learner) {
        for (String exercise : List.of("01-passing", "02-failing")) {
            FileCopies.copyTree(kata.exercise(exercise).resolve("src/main"),
                    forks.resolve(learner).resolve("exercises").resolve(exercise).resolve("src/main"));
        }
    }

    private String grade(String... options) {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("grade", "01-passing", "02-failing", "--repo",
                kata.root().toString(), "--jobs", "2", "--output", out.toString(), "--test-timeout", "20"));
        args.addAll(List.of(options));
        int status = new Main(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(progress, true, StandardCharsets.UTF_8), Map.of()).run(args.toArray(String[]::new));
        assertThat(status).as("exit status; it said: %s", progress).isZero();
        return progress.toString(StandardCharsets.UTF_8) + stdout.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    @DisplayName("a row per learner, a column per task; a broken fork costs its own row only")
    void classReport() throws IOException {
        List<String> csv = Files.readAllLines(out.resolve("class.csv"));
        assertThat(csv.get(0)).isEqualTo(
                "learner,earned,possible,percent,01-passing/overflow,01-passing/adding,02-failing/doubling,02-failing/halving,problem");
        assertThat(csv).contains("alice,5,8,62.5,3,2,0,0,", "bob,8,8,100.0,3,2,1,2,");
        assertThat(csv).anySatisfy(line -> assertThat(line).startsWith("carol,0,8,0.0,,,,,").contains("no exercises/ folder"));
        assertThat(csv).anySatisfy(line -> assertThat(line).startsWith("dave,5,8,62.5,3,2,0,0,")
                .contains("02-failing: compile error"));

        JsonNode json = JSON.readTree(out.resolve("class.json").toFile());
        assertThat(csv).as("fay's System.exit costs her 01-passing, not the run nor anyone else's row")
                .anySatisfy(line -> assertThat(line).startsWith("fay,0,8,0.0,0,0,0,0,").contains("01-passing: fair play: rule no-exit broken"));
        assertThat(json.get("learners")).hasSize(5);
        assertThat(json.at("/learners/1/learner").asText()).isEqualTo("bob");
        assertThat(json.at("/learners/1/tasks/02-failing~1halving/status").asText()).isEqualTo("passed");
        assertThat(json.at("/learners/0/tasks/02-failing~1doubling/status").asText()).isEqualTo("failed");

        String html = Files.readString(out.resolve("class.html"));
        assertThat(html).contains("<a href=\"learners/bob.html\">bob</a>").contains("5 learners, 4 tasks");
        assertThat(Files.readString(out.resolve("learners/alice.html"))).contains("TODO(doubling): return twice n")
                .contains("href=\"" + kata.root().toUri() + "exercises/02-failing/HINTS.md\"");
        assertThat(firstRun).contains("Grading 5 learners, 2 at a time").contains("carol").contains("not graded");
    }

    @Test
    @Order(2)
    @DisplayName("a re-run grades nobody whose fork is unchanged; a changed fork is graded again")
    void resumes() throws IOException {
        String again = grade("--submissions", forks.toString());
        assertThat(again).contains("alice", "bob", "dave").doesNotContain(" s (").contains("unchanged since the last run, kept");
        assertThat(Files.readAllLines(out.resolve("class.csv"))).contains("bob,8,8,100.0,3,2,1,2,");

        // dave fixes his code: only he is graded again.
        FileCopies.copyTree(kata.solution("02-failing").resolve("src/main"), forks.resolve("dave/exercises/02-failing/src/main"));
        String third = grade("--submissions", forks.toString());
        assertThat(third.lines().filter(l -> l.contains("dave")).findFirst().orElseThrow()).doesNotContain("unchanged");
        assertThat(third.lines().filter(l -> l.contains("] alice")).findFirst().orElseThrow()).contains("unchanged");
        assertThat(Files.readAllLines(out.resolve("class.csv"))).contains("dave,8,8,100.0,3,2,1,2,");
    }

    @Test
    @Order(3)
    @DisplayName("a file lists forks: a path, a git URL (cloned), and one that cannot be fetched")
    void listFile() throws Exception {
        Path erin = forks.getParent().resolve("remote/erin");
        FileCopies.copyTree(forks.resolve("bob"), erin);
        git(erin, "init", "-q");
        git(erin, "add", ".");
        git(erin, "-c", "user.name=Erin", "-c", "user.email=erin@example.org", "commit", "-q", "-m", "my work");
        Path list = forks.getParent().resolve("class.txt");
        Files.writeString(list, "# the class\nforks/alice\n" + erin.toUri() + "\nfile:///nowhere/frank.git\n");
        out = forks.getParent().resolve("class-from-list");

        grade("--submissions", list.toString());

        List<String> csv = Files.readAllLines(out.resolve("class.csv"));
        assertThat(csv).contains("alice,5,8,62.5,3,2,0,0,", "erin,8,8,100.0,3,2,1,2,");
        assertThat(csv).anySatisfy(line -> assertThat(line).startsWith("frank,0,").contains("could not fetch the fork"));
        assertThat(out.resolve("forks/erin/exercises/02-failing")).isDirectory();
    }

    @Test
    @Order(4)
    @DisplayName("merge-reports builds the same class report from the learners' JSON reports")
    void mergeReports() throws IOException {
        Path merged = forks.getParent().resolve("merged");
        Path learners = forks.getParent().resolve("class/learners");
        Path artifact = forks.getParent().resolve("artifacts/kata-grade-zoe/grade.json");
        Files.createDirectories(artifact.getParent());
        Files.copy(learners.resolve("bob.json"), artifact);
        Files.writeString(forks.getParent().resolve("broken.json"), "{ not json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(new String[] {"merge-reports",
                        learners.resolve("alice.json").toString(), learners.resolve("bob.json").toString(),
                        forks.getParent().resolve("artifacts").toString(), forks.getParent().resolve("broken.json").toString(),
                        "--out", merged.toString()});

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> csv = Files.readAllLines(merged.resolve("class.csv"));
        assertThat(csv.get(0)).isEqualTo(Files.readAllLines(forks.getParent().resolve("class/class.csv")).get(0));
        assertThat(csv).contains("alice,5,8,62.5,3,2,0,0,", "bob,8,8,100.0,3,2,1,2,", "zoe,8,8,100.0,3,2,1,2,");
        assertThat(csv).anySatisfy(line -> assertThat(line).startsWith("broken,0,").contains("is not a JSON report"));
        assertThat(merged.resolve("class.html")).isRegularFile();

        assertThat(new Main(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), Map.of())
                .run(new String[] {"merge-reports", "--out", merged.toString()})).isEqualTo(Main.UNUSABLE);
    }

    @Test
    @DisplayName("CSV cells are quoted where needed and never start a formula")
    void csvCells() {
        assertThat(ClassReport.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(ClassReport.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ClassReport.csvField("=HYPERLINK(1)")).isEqualTo("'=HYPERLINK(1)");
        assertThat(ClassGrading.learnerName("../../etc passwd")).isEqualTo("etc-passwd");
    }

    private static void git(Path folder, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", folder.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    }
}
