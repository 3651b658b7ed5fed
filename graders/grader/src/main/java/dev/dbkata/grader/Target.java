package dev.dbkata.grader;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whose code is graded: this repository's skeletons ({@code exercises}), its reference code
 * ({@code solutions}), or another checkout ({@code submission}, a learner's fork). The tests are
 * always this repository's.
 */
public sealed interface Target {

    /** The name reports use. */
    String name();

    /** The folder holding the graded code of an exercise: what becomes {@code src/main}. */
    Path mainSources(KataRepository repository, String exercise);

    /** The module whose build wrote the classpath to compile and run against. */
    Path classpathModule(KataRepository repository, String exercise);

    /** The tree the graded code must lie in: a link out of it is refused. */
    Path root(KataRepository repository);

    record Exercises() implements Target {
        @Override
        public String name() {
            return "exercises";
        }

        @Override
        public Path mainSources(KataRepository repository, String exercise) {
            return repository.exercise(exercise).resolve("src/main");
        }

        @Override
        public Path root(KataRepository repository) {
            return repository.root().resolve("exercises");
        }

        @Override
        public Path classpathModule(KataRepository repository, String exercise) {
            return repository.exercise(exercise);
        }
    }

    record Solutions() implements Target {
        @Override
        public String name() {
            return "solutions";
        }

        @Override
        public Path mainSources(KataRepository repository, String exercise) {
            return repository.solution(exercise).resolve("src/main");
        }

        @Override
        public Path root(KataRepository repository) {
            return repository.root().resolve("solutions");
        }

        @Override
        public Path classpathModule(KataRepository repository, String exercise) {
            return Files.isDirectory(repository.solution(exercise)) ? repository.solution(exercise)
                    : repository.exercise(exercise);
        }
    }

    /** Another checkout of this repository's layout; only its {@code exercises/NN/src/main} counts. */
    record Submission(Path root) implements Target {
        public Submission {
            root = root.toAbsolutePath().normalize();
            if (!Files.isDirectory(root.resolve("exercises"))) {
                throw new GradingException("--submission " + root + " has no exercises/ folder: point it at the root"
                        + " of a checkout of this repository's layout");
            }
        }

        @Override
        public String name() {
            return "submission";
        }

        @Override
        public Path mainSources(KataRepository repository, String exercise) {
            return root.resolve("exercises").resolve(exercise).resolve("src/main");
        }

        @Override
        public Path root(KataRepository repository) {
            return root.resolve("exercises");
        }

        @Override
        public Path classpathModule(KataRepository repository, String exercise) {
            return repository.exercise(exercise);
        }
    }
}
