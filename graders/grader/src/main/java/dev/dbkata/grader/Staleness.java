package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * Whether the progress {@code kata list} shows for an exercise still tells the truth: it comes
 * from the last test run, so it is stale when the learner's code ({@code src/main}) changed after
 * that run, and worse, when the code no longer compiles. The compiler runs only for an exercise
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
    Optional<Verdict> of(String exercise) {
        Path folder = repository.exercise(exercise);
        Optional<FileTime> lastRun = newest(FileCopies.filesEndingWith(folder.resolve("target/surefire-reports"), ".xml")
                .stream().filter(f -> f.getFileName().toString().startsWith("TEST-")).toList());
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
            return Optional.of(new Verdict("your code changed since that run and no longer compiles: " + error.get(),
                    "fix it, then " + run));
        }
        return Optional.of(new Verdict("your code changed since that run", run + " to bring it up to date"));
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
        FileTime newest = null;
        for (Path file : files) {
            try {
                FileTime time = Files.getLastModifiedTime(file);
                newest = newest == null || time.compareTo(newest) > 0 ? time : newest;
            } catch (IOException e) {
                // removed meanwhile: it changes nothing
            }
        }
        return Optional.ofNullable(newest);
    }
}
