package dev.dbkata.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The temporary folder one grading run works in: a sub-folder per exercise for its copies and
 * compiled classes. Named after the grader's process, so that folders of graders that were
 * killed before they could clean up are recognised and removed by the next run.
 */
final class GradingWorkspace implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("dbkata-grade-(\\d+)-\\d+");
    /** Old enough that no grader still uses it, even one whose process this machine cannot see (a container). */
    private static final Duration STALE = Duration.ofHours(6);

    private final Path folder;
    private final PrintStream progress;

    private GradingWorkspace(Path folder, PrintStream progress) {
        this.folder = folder;
        this.progress = progress;
    }

    /** A fresh folder in the temporary folder; stale ones of graders that are gone are removed on the way. */
    static GradingWorkspace create(PrintStream progress) {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        removeAbandoned(temp);
        try {
            return new GradingWorkspace(Files.createTempDirectory("dbkata-grade-" + ProcessHandle.current().pid() + "-"),
                    progress);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a folder to grade in (is the temporary folder writable?)", e);
        }
    }

    /** Where one exercise is copied, compiled and run. */
    Path exercise(String id) {
        return folder.resolve(id);
    }

    /** Removes the folder; safe to call twice, and from a shutdown hook. */
    void delete() {
        FileCopies.deleteTree(folder);
    }

    /** Removes the folder, telling rather than throwing when it cannot: the report is worth more. */
    @Override
    public void close() {
        try {
            delete();
        } catch (UncheckedIOException e) {
            progress.println("kata: could not remove " + folder + ": " + e.getMessage());
        }
    }

    static boolean ownerIsGone(String folderName) {
        Matcher m = NAME.matcher(folderName);
        return m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true);
    }

    private static void removeAbandoned(Path temp) {
        try (Stream<Path> old = Files.list(temp)) {
            old.filter(dir -> ownerIsGone(dir.getFileName().toString()) && isStale(dir)).forEach(dir -> {
                try {
                    FileCopies.deleteTree(dir);
                } catch (UncheckedIOException e) {
                    // Another grader's clean-up got there first, or it is not ours to delete.
                }
            });
        } catch (IOException e) {
            // Nothing to tidy, or no right to: neither stops this run.
        }
    }

    private static boolean isStale(Path folder) {
        try {
            return Files.getLastModifiedTime(folder).toInstant().isBefore(Instant.now().minus(STALE));
        } catch (IOException e) {
            return false;
        }
    }
}
