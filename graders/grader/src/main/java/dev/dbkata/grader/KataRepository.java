package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The canonical repository the grader belongs to: its exercises' tests, their compiled form and
 * the classpath each module's build wrote ({@code target/kata/test-classpath.txt}).
 */
public final class KataRepository {

    private final Path root;

    public KataRepository(Path root) {
        this.root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.root.resolve("exercises"))) {
            throw new GradingException(this.root + " is not a kata repository (it has no exercises/ folder)");
        }
    }

    public Path root() {
        return root;
    }

    /** Every exercise folder that has tests, in roadmap order (their names start with the number). */
    public List<String> exercises() {
        try (Stream<Path> children = Files.list(root.resolve("exercises"))) {
            return children.filter(dir -> Files.isDirectory(dir.resolve("src/test/java")))
                    .map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path exercise(String id) {
        return root.resolve("exercises").resolve(id);
    }

    public Path solution(String id) {
        return root.resolve("solutions").resolve(id);
    }

    /** The exercise's tasks, read from its tests. */
    public TaskCatalog catalog(String id) {
        if (!Files.isDirectory(exercise(id).resolve("src/test/java"))) {
            Names.requireExercises(this, List.of(id));
        }
        return TaskCatalog.read(id, exercise(id).resolve("src/test/java"), exercise(id).resolve("README.md"));
    }

    /** The jars and folders a module's tests run with, as its build wrote them. */
    public List<Path> dependencies(Path module) {
        Path file = module.resolve("target/kata/test-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new GradingException(root.relativize(module) + " is not built (no " + root.relativize(file)
                    + "): run ./kata once, or ./mvnw -q install -DskipTests, to build it");
        }
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? List.of()
                    : Stream.of(text.split(java.io.File.pathSeparator)).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
