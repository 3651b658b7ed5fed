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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grades the fixture kata for real: each exercise compiled, checked and run in a JVM of its own.
 * One exercise passes, one fails, one exits, one loops, one does not compile, one breaks a
 * fair-play rule; the grader scores each as it should and goes on to the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraderEndToEndTest {

    private Path folder;
    private KataRepository kata;
    private Report report;
    private Map<String, String> before;
    private String firstProgress;
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeAll
    void gradeEveryFixture(@TempDir Path folder) {
        this.folder = folder;
        kata = FixtureKata.copyTo(folder.resolve("kata"));
        before = FixtureKata.fingerprint(kata.root());
        report = grader().grade(new Grader.Request(kata, Target.exercises(), kata.exercises(), Duration.ofSeconds(3),
                Duration.ofSeconds(90), 1, 2));
        firstProgress = progress.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a passing exercise earns every point, per level")
    void passingExercise() {
        ExerciseResult passing = exercise(report, "01-passing");
        assertThat(passing.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskStatus.PASSED));
        assertThat(passing.earned()).isEqualTo(5);
        assertThat(passing.tasks().get(1).tests()).as("nested tests count for their task").hasSize(2);
        assertThat(passing.tasks().get(1).tests()).anySatisfy(t -> assertThat(t.output()).contains("adding 1 and 2"));
        assertThat(report.byLevel().get(Level.ADVANCED).earned()).as("the Advanced overflow task").isGreaterThanOrEqualTo(3);
    }

    @Test
    @DisplayName("a skeleton's tasks fail with the TODO message")
    void failingExercise() {
        ExerciseResult failing = exercise(report, "02-failing");
        assertThat(failing.tasks()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(t.message()).contains("UnsupportedOperationException: TODO(doubling): return twice n");
        });
        assertThat(failing.earned()).isZero();
    }

    @Test
    @DisplayName("System.exit in the middle of a test scores the unfinished task 0 as 'exited' and grading goes on")
    void exitingExercise() {
        ExerciseResult exiting = exercise(report, "03-exiting");
        assertThat(exiting.tasks().get(0).status()).isEqualTo(TaskStatus.ERROR);
        assertThat(exiting.tasks().get(0).message()).contains("exited").contains("exit code 3");
        assertThat(exiting.problem()).contains("while running 'answers()'");
        assertThat(report.exercises()).extracting(e -> e.exercise().id()).contains("04-looping", "05-broken", "06-cheating");
    }

    @Test
    @DisplayName("a test that loops forever times out alone; the exercise's other task still passes")
    void loopingExercise() {
        ExerciseResult looping = exercise(report, "04-looping");
        TaskResult spin = task(looping, "spin");
        assertThat(spin.status()).isEqualTo(TaskStatus.TIMEOUT);
        assertThat(spin.message()).contains("timed out");
        assertThat(task(looping, "quick").status()).isEqualTo(TaskStatus.PASSED);
    }

    @Test
    @DisplayName("a failing test that used PostgreSQL shows what the database saw: the learner's SQL, not the test's")
    void observedSql() {
        TaskResult stock = task(exercise(report, "08-sql-seen"), "stock");
        assertThat(stock.status()).isEqualTo(TaskStatus.FAILED);
        TestOutcome test = stock.tests().get(0);

        assertThat(test.observed()).containsExactly(new ObservedStatement("primary", "standalone",
                "UPDATE stock SET count = count - $1\n-- parameters: $1 = '1'"));
        assertThat(test.output()).as("printed once, by the grader, not by the testkit too").doesNotContain("What the database saw");
        assertThat(dev.dbkata.grader.format.ReportFormat.TEXT.render(report))
                .contains("What the database saw during takesOnlyTheItem(PostgresNode)")
                .contains("    primary (standalone):\n              UPDATE stock SET count = count - $1\n");
    }

    @Test
    @DisplayName("code that does not compile scores every task 0 with the compiler's first message")
    void brokenExercise() {
        ExerciseResult broken = exercise(report, "05-broken");
        assertThat(broken.tasks()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TaskStatus.ERROR);
            assertThat(t.message()).startsWith("compile error: src/main/java/fixture/broken/Greeter.java:5: cannot find symbol");
        });
    }

    @Test
    @DisplayName("System.exit in the learner's code breaks fair play: 0 points, the rule and the class named")
    void cheatingExercise() {
        ExerciseResult cheating = exercise(report, "06-cheating");
        assertThat(cheating.earned()).isZero();
        assertThat(cheating.tasks().get(0).status()).isEqualTo(TaskStatus.ERROR);
        assertThat(cheating.problem()).contains("fair play: rule no-exit").contains("fixture.cheating.Shortcut");
    }

    @Test
    @DisplayName("the graded tree is byte-for-byte what it was; one progress line per exercise; report in exercise order")
    void treeIsUntouched() {
        assertThat(FixtureKata.fingerprint(kata.root())).isEqualTo(before);
        List<String> lines = firstProgress.lines().filter(l -> l.startsWith("[")).toList();
        assertThat(lines).hasSize(kata.exercises().size());
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("01-passing").contains("2/2 tasks passed"));
        assertThat(report.exercises()).as("two at a time (--jobs 2), reported in exercise order")
                .extracting(e -> e.exercise().id()).containsExactlyElementsOf(kata.exercises());
    }

    @Test
    @DisplayName("an exercise that runs out of its time scores its unfinished tasks as 'timeout'")
    void exerciseTimeout() {
        Report slow = grader().grade(new Grader.Request(kata, Target.exercises(), List.of("04-looping"),
                Duration.ofSeconds(600), Duration.ofSeconds(6), 1));

        TaskResult spin = task(exercise(slow, "04-looping"), "spin");
        assertThat(spin.status()).isEqualTo(TaskStatus.TIMEOUT);
        assertThat(spin.message()).contains("did not finish in time");
    }

    @Test
    @DisplayName("an exercise stopped for time while its PostgreSQL runs leaves no server behind")
    void stoppedExerciseLeavesNoServer() throws IOException {
        Path record = Path.of(System.getProperty("java.io.tmpdir"), "dbkata-fixture-hanging-server.txt");
        Files.deleteIfExists(record);

        Report hung = grader().grade(new Grader.Request(kata, Target.exercises(), List.of("07-hanging-server"),
                Duration.ofSeconds(600), Duration.ofSeconds(20), 1));

        assertThat(task(exercise(hung, "07-hanging-server"), "hang").status()).isEqualTo(TaskStatus.TIMEOUT);
        String dataDirectory = Files.readString(record).strip();
        assertThat(dataDirectory).as("the fixture test recorded its server").isNotBlank();
        assertThat(ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(dataDirectory)).map(ProcessHandle::pid).toList())
                .as("processes of the server at " + dataDirectory + " after the grader stopped its JVM").isEmpty();
    }

    @Test
    @DisplayName("a submission is graded with this repository's tests and ready-made classes: editing them gains nothing")
    void submissionWithEditedTests() throws IOException {
        Path submission = folder.resolve("learner");
        Path exercise = submission.resolve("exercises/02-failing");
        FileCopies.copyTree(kata.exercise("02-failing"), exercise);
        Path test = exercise.resolve("src/test/java/fixture/failing/DoublingTest.java");
        Files.writeString(test, Files.readString(test).replaceAll("assertEquals\\([^;]*;", "assertEquals(1, 1);"));
        // A wrong answer (right for 2 only) made to agree with a doctored copy of the given class.
        Files.writeString(exercise.resolve("src/main/java/fixture/failing/Doubler.java"), "package fixture.failing;"
                + " public final class Doubler { public static int twice(int n) { return n == 2 ? 4 : n + 10; } }");
        Files.writeString(exercise.resolve("src/given/java/fixture/failing/Expected.java"),
                "package fixture.failing; public final class Expected { public static int twiceOf(int n) { return n + 10; } }");
        Map<String, String> untouched = FixtureKata.fingerprint(submission);

        Report graded = grader().grade(new Grader.Request(kata, Target.submission(submission), List.of("02-failing"),
                Duration.ofSeconds(30), Duration.ofSeconds(60), 1));

        assertThat(graded.target()).isEqualTo("submission");
        TaskResult doubling = task(exercise(graded, "02-failing"), "doubling");
        assertThat(doubling.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(doubling.message()).as("the canonical Expected decides").contains("twice 3").contains("expected: <6> but was: <13>");
        assertThat(graded.score().earned()).isZero();
        assertThat(FixtureKata.fingerprint(submission)).as("the submission is never modified").isEqualTo(untouched);
    }

    @Test
    @DisplayName("verify accepts a reference that passes and a skeleton that fails, and names every offender")
    void verification() {
        Report solutions = grader().grade(new Grader.Request(kata, Target.solutions(), List.of("02-failing"),
                Duration.ofSeconds(30), Duration.ofSeconds(60), 2));
        Report skeletons = new Report("embedded", "exercises", List.of(exercise(report, "02-failing")));

        assertThat(task(exercise(solutions, "02-failing"), "doubling").passedRuns()).isEqualTo(2);
        assertThat(Verification.offenders(kata, solutions, skeletons)).isEmpty();

        Report skeletonAsSolution = new Report("embedded", "exercises", List.of(exercise(report, "01-passing")));
        assertThat(Verification.offenders(kata, skeletonAsSolution, skeletonAsSolution))
                .anySatisfy(o -> assertThat(o).contains("exercises/01-passing: task overflow is passed on the skeleton"))
                .anySatisfy(o -> assertThat(o).contains("solutions/01-passing: no SOLUTION.md"));
        assertThat(Verification.offenders(kata, skeletons, skeletons))
                .anySatisfy(o -> assertThat(o).contains("solutions/02-failing: task doubling is failed"));

        ExerciseResult failing = exercise(report, "02-failing");
        Report checkFirst = new Report("embedded", "exercises", List.of(new ExerciseResult(failing.exercise(),
                failing.tasks().stream().map(t -> new TaskResult(t.task(), t.status(), "expected 6 but was 5 [doubles 3]",
                        t.durationMs(), t.tests(), t.runs(), t.passedRuns())).toList(), failing.durationMs(), null)));
        assertThat(Verification.offenders(kata, solutions, checkFirst)).as("a skeleton task that fails on a check, not a TODO")
                .anySatisfy(o -> assertThat(o).contains("exercises/02-failing: task doubling fails on the skeleton with a"
                        + " check's message, not a TODO(...) that says what to build"));
    }

    @Test
    @DisplayName("each test outcome carries its method's source from the exercise's test class (Exercism's test_code)")
    void testCode() {
        TestOutcome halvesZero = exercise(report, "02-failing").tasks().stream().flatMap(t -> t.tests().stream())
                .filter(t -> t.method().equals("halvesZero")).findFirst().orElseThrow();
        assertThat(halvesZero.testCode()).isEqualTo("""
                @Test
                void halvesZero() {
                    assertEquals(0, Doubler.twice(0) / 2, "half of twice 0 should be 0");
                }""");
        assertThat(dev.dbkata.grader.format.ReportFormat.EXERCISM.render(report))
                .contains("\"test_code\" : \"@Test\\nvoid halvesZero() {\\n");
    }

    private Grader grader() {
        return new Grader(new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    static ExerciseResult exercise(Report report, String id) {
        return report.exercises().stream().filter(e -> e.exercise().id().equals(id)).findFirst().orElseThrow();
    }

    static TaskResult task(ExerciseResult exercise, String id) {
        return exercise.tasks().stream().filter(t -> t.task().id().equals(id)).findFirst().orElseThrow();
    }
}
