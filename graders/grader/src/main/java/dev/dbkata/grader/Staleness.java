package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * Whether the progress {@code kata list} shows for an exercise still tells the truth: each mark
 * comes from the last run of its task's tests, so they are stale when the learner's code
 * ({@code src/main}) changed after the oldest of those runs (one task run since does not vouch
 * for the others), and worse, when the code no longer compiles. The compiler runs only for an exercise
 * whose code changed since its last run (usually the one being worked on), in this JVM, into a
 * folder it deletes after.
 */
final class Staleness {

    /** What is stale and what to run, in words for the list; or nothing when the progress is current. */
    record Verdict(String why, String run) {
    }

    private final KataRepository repository;
    private final java.util.function.Supplier<SourceCompiler> compiler;

    /** @param compiler asked only when some code changed (so a list with nothing stale starts no compiler) */
    Staleness(KataRepository repository, java.util.function.Supplier<SourceCompiler> compiler) {
        this.repository = repository;
        this.compiler = compiler;
    }

    /** Empty when the exercise's progress is as its code is now (or it was never tested). */
    Optional<Verdict> of(TaskCatalog catalog) {
        String exercise = catalog.exercise().id();
        Path folder = repository.exercise(exercise);
        // The reports of the tasks' own test classes (and their nested ones): a report left by a
        // class since renamed or removed marks nothing, so it must not keep the list stale.
        Optional<FileTime> lastRun = oldest(FileCopies.filesEndingWith(folder.resolve("target/surefire-reports"), ".xml")
                .stream().filter(f -> {
                    String name = f.getFileName().toString();
                    return name.startsWith("TEST-")
                            && catalog.taskOf(name.substring("TEST-".length(), name.length() - ".xml".length())).isPresent();
                }).toList());
        if (lastRun.isEmpty()) {
            return Optional.empty();
        }
        List<Path> code = FileCopies.filesEndingWith(folder.resolve("src/main"), "");
        Optional<FileTime> changed = newest(code);
        if (changed.isEmpty() || changed.get().compareTo(lastRun.get()) <= 0) {
            return Optional.empty();
        }
        String run = "./kata test " + exercise;
        Optional<String> error = compileError(exercise);
        if (error.isPresent()) {
            return Optional.of(new Verdict("your code changed since these marks were made and no longer compiles: " + error.get(),
                    "fix it, then " + run));
        }
        return Optional.of(new Verdict("your code changed since these marks were made", run + " to bring it up to date"));
    }

    /** The first compile error of the learner's code, or empty when it compiles (or cannot be checked yet). */
    private Optional<String> compileError(String exercise) {
        Path folder = repository.exercise(exercise);
        List<Path> dependencies;
        try {
            dependencies = repository.dependencies(folder);
        } catch (GradingException notBuilt) {
            return Optional.empty(); // nothing to compile against yet: the change alone is said
        }
        Path output;
        try {
            output = Files.createTempDirectory("kata-list-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return compiler.get().compile(List.of(folder.resolve("src/main/java"), folder.resolve("src/given/java")),
                    dependencies, output, folder);
        } finally {
            FileCopies.deleteTree(output);
        }
    }

    private static Optional<FileTime> newest(List<Path> files) {
        return times(files).max(FileTime::compareTo);
    }

    private static Optional<FileTime> oldest(List<Path> files) {
        return times(files).min(FileTime::compareTo);
    }

    private static java.util.stream.Stream<FileTime> times(List<Path> files) {
        return files.stream().map(file -> {
            try {
                return Files.getLastModifiedTime(file);
            } catch (IOException e) {
                return null; // removed meanwhile: it changes nothing
            }
        }).filter(java.util.Objects::nonNull);
    }
}
