package dev.dbkata.grader;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whose code is graded: the modules under {@code folder} ({@code exercises} or {@code solutions})
 * of a checkout. The tests are always this repository's, and so is the build that wrote each
 * module's classpath.
 *
 * @param name     what reports call it: {@code exercises} (this repository's skeletons),
 *                 {@code solutions} (its reference code), {@code submission} (a learner's fork) or
 *                 {@code mistake} (the reference with a mistake applied, {@code kata verify --mistakes})
 * @param folder   the folder of the checkout that holds one module per exercise
 * @param checkout the checkout the code comes from; {@code null} for this repository
 */
public record Target(String name, String folder, Path checkout) {

    public Target {
        checkout = checkout == null ? null : checkout.toAbsolutePath().normalize();
    }

    /** This repository's skeletons. */
    public static Target exercises() {
        return new Target("exercises", "exercises", null);
    }

    /** This repository's reference solutions. */
    public static Target solutions() {
        return new Target("solutions", "solutions", null);
    }

    /** Another checkout of this repository's layout; only its {@code exercises/NN/src/main} counts. */
    public static Target submission(Path checkout) {
        Target target = new Target("submission", "exercises", checkout);
        if (!Files.isDirectory(target.checkout().resolve("exercises"))) {
            throw new GradingException("--submission " + target.checkout() + " has no exercises/ folder: point it at"
                    + " the root of a checkout of this repository's layout");
        }
        return target;
    }

    /** A copy of a reference solution with a mistake applied: {@code checkout/solutions/NN/src/main}. */
    static Target mistake(Path checkout) {
        return new Target("mistake", "solutions", checkout);
    }

    /** The tree the graded code must lie in: a link out of it is refused. */
    public Path root(KataRepository repository) {
        return (checkout == null ? repository.root() : checkout).resolve(folder);
    }

    /** The folder holding the graded code of an exercise: what becomes {@code src/main}. */
    public Path mainSources(KataRepository repository, String exercise) {
        return root(repository).resolve(exercise).resolve("src/main");
    }

    /**
     * The module of this repository whose build wrote the classpath to compile and run against:
     * the graded module's namesake here, or the exercise when there is none (a missing solution).
     */
    public Path classpathModule(KataRepository repository, String exercise) {
        Path own = repository.root().resolve(folder).resolve(exercise);
        return Files.isDirectory(own) ? own : repository.exercise(exercise);
    }
}
