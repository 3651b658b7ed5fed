package dev.dbkata.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import dev.dbkata.grader.KataRepository;
import dev.dbkata.grader.RepositoryLayout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every exercise of this repository is complete and registered, and the counts that README.md
 * and roadmap.md state are the tests' own. The failure lists each missing piece on a line of its
 * own; {@code ./kata new} writes all of them for a new exercise.
 */
class RepositoryLayoutTest {

    private final KataRepository repository =
            new KataRepository(Path.of(System.getProperty("kata.root", "../..")).toAbsolutePath());

    @Test
    @DisplayName("every exercise has its solution, documents, module entries, coverage dependency and roadmap entry")
    void everyExerciseIsCompleteAndRegistered() {
        List<String> problems = new RepositoryLayout(repository).problems();

        assertThat(problems)
                .as("the repository's layout has %d problem(s):%n  - %s%n", problems.size(), String.join("\n  - ", problems))
                .isEmpty();
    }

    @Test
    @DisplayName("the check sees the exercises (it would pass vacuously otherwise)")
    void exercisesAreSeen() {
        assertThat(repository.exercises()).isNotEmpty();
        assertThat(new RepositoryLayout(repository).totals().tasks()).isPositive();
    }
}
