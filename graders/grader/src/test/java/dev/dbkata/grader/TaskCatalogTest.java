package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCatalogTest {

    @Test
    @DisplayName("reads tasks from @Task, levels from @Exercise unless a task sets its own, order from the README")
    void readsTheFixture(@TempDir Path folder) {
        TaskCatalog catalog = FixtureKata.copyTo(folder).catalog("01-passing");

        ExerciseInfo exercise = catalog.exercise();
        assertThat(exercise.title()).isEqualTo("Passing fixture");
        assertThat(exercise.level()).isEqualTo(Level.BEGINNER);
        assertThat(exercise.tasks()).extracting(TaskInfo::id).containsExactly("overflow", "adding");
        TaskInfo overflow = exercise.tasks().get(0);
        assertThat(overflow.title()).isEqualTo("Wrap around \"like Java\"");
        assertThat(overflow.level()).isEqualTo(Level.ADVANCED);
        assertThat(overflow.points()).isEqualTo(3);
        assertThat(exercise.tasks().get(1).level()).as("a task without a level takes the exercise's").isEqualTo(Level.BEGINNER);
        assertThat(exercise.possiblePoints()).isEqualTo(5);
    }

    @Test
    @DisplayName("tests of nested classes belong to the task of their outer class")
    void nestedClassesBelongToTheirOuterTask(@TempDir Path folder) {
        TaskCatalog catalog = FixtureKata.copyTo(folder).catalog("01-passing");

        assertThat(catalog.taskOf("fixture.passing.AddingTest$WithNegatives")).map(TaskInfo::id).contains("adding");
        assertThat(catalog.taskOf("fixture.passing.Adder")).isEmpty();
    }

    @Test
    @DisplayName("a task id used twice is refused, naming both classes")
    void duplicateIdsAreRefused(@TempDir Path folder) throws IOException {
        Path tests = exerciseWith(folder, "@Task(id = \"same\", title = \"A\", points = 1) class ATest {}",
                "@Task(id = \"same\", title = \"B\", points = 1) class BTest {}");

        assertThatThrownBy(() -> TaskCatalog.read("99-x", tests, null))
                .hasMessageContaining("'same' is declared twice").hasMessageContaining("x.ATest").hasMessageContaining("x.BTest");
    }

    @Test
    @DisplayName("points outside 1 to 5 and ids that are not kebab-case are refused")
    void badValuesAreRefused(@TempDir Path folder) throws IOException {
        Path tooMany = exerciseWith(folder.resolve("a"), "@Task(id = \"big\", title = \"Big\", points = 9) class ATest {}");
        Path badId = exerciseWith(folder.resolve("b"), "@Task(id = \"Bad_Id\", title = \"Bad\", points = 1) class ATest {}");

        assertThatThrownBy(() -> TaskCatalog.read("99-x", tooMany, null)).hasMessageContaining("points must be 1 to 5, not 9");
        assertThatThrownBy(() -> TaskCatalog.read("99-x", badId, null)).hasMessageContaining("kebab-case");
    }

    @Test
    @DisplayName("a test class without @Task is listed, since its tests would count for nothing")
    void untaskedTestClasses(@TempDir Path folder) throws IOException {
        Path tests = exerciseWith(folder, "@Task(id = \"a\", title = \"A\", points = 1) class ATest { @Test void a() {} }",
                "class StrayTest { @Test void forgotten() {} }", "class Helper { }");

        assertThat(TaskCatalog.read("99-x", tests, null).untaskedTestClasses()).containsExactly("x.StrayTest");
    }

    @Test
    @DisplayName("an exercise without @Exercise is refused with what to add")
    void missingExerciseAnnotation(@TempDir Path folder) throws IOException {
        Path tests = folder.resolve("src/test/java/x");
        Files.createDirectories(tests);
        Files.writeString(tests.resolve("ATest.java"), "package x; @Task(id = \"a\", title = \"A\", points = 1) class ATest {}");

        assertThatThrownBy(() -> TaskCatalog.read("99-x", folder.resolve("src/test/java"), null))
                .hasMessageContaining("no @Exercise(title = ..., level = ...)");
    }

    private static Path exerciseWith(Path folder, String... classes) throws IOException {
        Path tests = folder.resolve("src/test/java/x");
        Files.createDirectories(tests);
        Files.writeString(tests.resolve("package-info.java"),
                "@Exercise(title = \"X\", level = Level.INTERMEDIATE)\npackage x;\n");
        for (String type : classes) {
            String name = type.replaceAll("(?s).*class (\\w+).*", "$1");
            Files.writeString(tests.resolve(name + ".java"), "package x;\n" + type + "\n");
        }
        return folder.resolve("src/test/java");
    }
}
