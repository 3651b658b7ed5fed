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
 * {@code kata new}, run on a copy of this repository's own poms, roadmap and README: the new
 * exercise passes the layout check, its reference passes its task against a real PostgreSQL and
 * its skeleton fails it with the TODO message, as {@code kata verify} requires.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewExerciseTest {

    // A number no real topic has, with a planned entry of its own: the test holds whichever topics exist.
    private static final String ID = "11-load-shedding";
    private static final List<String> REGISTRIES = List.of("exercises/pom.xml", "solutions/pom.xml",
            "quality/coverage/pom.xml", "roadmap.md", "README.md");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private KataRepository kata;
    private int status;

    @BeforeAll
    void createExercise(@TempDir Path folder) throws IOException {
        kata = repositoryFrame(folder.resolve("kata"));
        Path roadmap = kata.root().resolve("roadmap.md");
        Files.writeString(roadmap, Files.readString(roadmap).stripTrailing()
                + "\n\n### 11 — Load shedding · planned\n- Refuse work early when the database is saturated.\n");
        status = main().run(new String[] {"new", ID, "Load shedding", "advanced", "--repo", kata.root().toString()});
    }

    @Test
    @DisplayName("writes both modules with README, HINTS, SOLUTION and one task, and says what it did")
    void writesTheModules() {
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Main.OK);
        Path exercise = kata.exercise(ID);
        assertThat(exercise.resolve("README.md")).content().contains("# Exercise 11 — Load shedding")
                .contains("`server-version` | Advanced | 1");
        assertThat(exercise.resolve("HINTS.md")).content().contains("## server-version");
        assertThat(exercise.resolve("src/test/java/dev/dbkata/loadshedding/package-info.java")).content()
                .contains("@Exercise(title = \"Load shedding\", level = Level.ADVANCED)");
        assertThat(kata.solution(ID).resolve("SOLUTION.md")).exists();
        assertThat(kata.solution(ID).resolve("pom.xml")).content().contains("<kata.exercise>" + ID + "</kata.exercise>");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Created exercise " + ID)
                .contains("exercises/" + ID + "/src/main/java/dev/dbkata/loadshedding/ServerVersion.java");
    }

    @Test
    @DisplayName("registers the exercise in both aggregators, the coverage pom, the roadmap and README's totals")
    void registersEverywhere() throws IOException {
        String exercises = Files.readString(kata.root().resolve("exercises/pom.xml"));
        assertThat(exercises).as("after every other exercise, in number order").contains("<module>" + ID + "</module>\n    </modules>");
        assertThat(Files.readString(kata.root().resolve("solutions/pom.xml"))).contains("<module>" + ID + "</module>");
        assertThat(Files.readString(kata.root().resolve("quality/coverage/pom.xml")))
                .contains("<artifactId>solution-" + ID + "</artifactId>");
        assertThat(Files.readString(kata.root().resolve("roadmap.md")))
                .contains("### 11 — [Load shedding](exercises/" + ID + "/) · 1 task, 1 point · [mentor notes](solutions/"
                        + ID + "/SOLUTION.md)")
                .doesNotContain("### 11 — Load shedding · planned")
                .as("the planned entry's lines about the topic stay").contains("Refuse work early when the database is saturated.");
        assertThat(Files.readString(kata.root().resolve("README.md"))).contains("1 exercise, 1 task, 1 point");
    }

    @Test
    @DisplayName("the new exercise passes the layout check out of the box")
    void layoutIsComplete() {
        assertThat(new RepositoryLayout(kata).problems()).isEmpty();
    }

    @Test
    @DisplayName("kata verify's proof: the reference passes its task, the skeleton fails it with the TODO message")
    void skeletonFailsReferencePasses() {
        FixtureKata.writeClasspath(kata.exercise(ID));
        FixtureKata.writeClasspath(kata.solution(ID));
        Grader grader = new Grader(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        Report solutions = grader.grade(new Grader.Request(kata, Target.solutions(), List.of(ID), Duration.ofSeconds(30),
                Duration.ofSeconds(120), 1));
        Report skeletons = grader.grade(new Grader.Request(kata, Target.exercises(), List.of(ID), Duration.ofSeconds(30),
                Duration.ofSeconds(120), 1));

        TaskResult onSkeleton = GraderEndToEndTest.task(GraderEndToEndTest.exercise(skeletons, ID), "server-version");
        assertThat(onSkeleton.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(onSkeleton.message()).contains("TODO(server-version)");
        assertThat(Verification.offenders(kata, solutions, skeletons)).isEmpty();
    }

    @Test
    @DisplayName("a taken number, a bad id, title or level is refused, and nothing is written")
    void refusals(@TempDir Path folder) throws IOException {
        KataRepository fresh = repositoryFrame(folder.resolve("kata"));
        Map<String, String> before = FixtureKata.fingerprint(fresh.root());
        String repo = fresh.root().toString();
        Files.createDirectories(fresh.exercise("05-sharding"));
        Map<String, String> withSharding = FixtureKata.fingerprint(fresh.root());

        assertThat(main().run(new String[] {"new", "05-other", "Other", "BEGINNER", "--repo", repo})).isEqualTo(Main.UNUSABLE);
        assertThat(main().run(new String[] {"new", "8-x", "X", "BEGINNER", "--repo", repo})).isEqualTo(Main.UNUSABLE);
        assertThat(main().run(new String[] {"new", "11-x", "A \"quoted\" title", "BEGINNER", "--repo", repo}))
                .isEqualTo(Main.UNUSABLE);
        assertThat(main().run(new String[] {"new", "11-x", "X", "EXPERT", "--repo", repo})).isEqualTo(Main.UNUSABLE);
        assertThat(main().run(new String[] {"new", "11-x", "--repo", repo})).isEqualTo(Main.UNUSABLE);

        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("exercises/05-sharding already has the number 05")
                .contains("'8-x' is not an exercise id")
                .contains("should be up to 60 letters")
                .contains("the level is BEGINNER, INTERMEDIATE or ADVANCED, not EXPERT")
                .contains("usage: kata new NN-slug");
        assertThat(FixtureKata.fingerprint(fresh.root())).isEqualTo(withSharding).isNotEqualTo(before);
    }

    private Main main() {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
    }

    /** An empty kata with this repository's own registries: what kata new edits. */
    static KataRepository repositoryFrame(Path folder) throws IOException {
        Path source = Path.of("../..").toAbsolutePath().normalize();
        for (String file : REGISTRIES) {
            Path target = folder.resolve(file);
            Files.createDirectories(target.getParent());
            Files.copy(source.resolve(file), target);
        }
        Files.createDirectories(folder.resolve("solutions"));
        return new KataRepository(folder);
    }
}
