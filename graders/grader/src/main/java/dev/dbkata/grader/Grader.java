package dev.dbkata.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.dbkata.testkit.backend.BackendChoice;
import dev.dbkata.testkit.backend.BackendUnavailableException;
import dev.dbkata.testkit.backend.DockerProbe;

/**
 * Grades exercises one after another, each in a JVM of its own, in a workspace that is deleted
 * afterwards; the graded tree is only read. Prints one progress line per exercise.
 */
public final class Grader {

    /** What to grade and how. */
    public record Request(KataRepository repository, Target target, List<String> exercises, Duration perTest,
            Duration perExercise, int repeat) {

        public Request {
            exercises = List.copyOf(exercises);
            if (repeat < 1) {
                throw new GradingException("--repeat must be at least 1");
            }
        }
    }

    private final PrintStream progress;

    public Grader(PrintStream progress) {
        this.progress = progress;
    }

    public Report grade(Request request) {
        String backend = chooseBackend();
        List<String> unknown = request.exercises().stream()
                .filter(e -> !request.repository().exercises().contains(e)).toList();
        if (!unknown.isEmpty()) {
            throw new GradingException("no such exercise: " + String.join(", ", unknown) + " (exercises are: "
                    + String.join(", ", request.repository().exercises()) + ")");
        }
        SourceCompiler compiler = new SourceCompiler();
        ExerciseJvm jvm = new ExerciseJvm(backend, request.perTest(), request.perExercise());
        ExerciseGrader exerciseGrader = new ExerciseGrader(request.repository(), request.target(), jvm, compiler,
                request.repeat());
        Path workspace = createWorkspace();
        long start = System.nanoTime();
        List<ExerciseResult> results = new ArrayList<>();
        try {
            int index = 0;
            for (String id : request.exercises()) {
                index++;
                ExerciseResult result = exerciseGrader.grade(id, workspace.resolve(id));
                results.add(result);
                progress.printf(Locale.ROOT, "[%d/%d] %-28s %d/%d tasks passed  %3d/%-3d points  %5.1f s  (%s elapsed)%n",
                        index, request.exercises().size(), id, result.passedTasks(), result.tasks().size(),
                        result.earned(), result.possible(), result.durationMs() / 1000.0, elapsed(start));
            }
        } finally {
            FileCopies.deleteTree(workspace);
        }
        return new Report(backend, request.target().name(), results);
    }

    /** Decided once for the whole run and passed to every exercise's JVM, so all use the same. */
    private String chooseBackend() {
        try {
            BackendChoice choice = BackendChoice.decide(System.getProperty(BackendChoice.PROPERTY), System.getenv(),
                    () -> DockerProbe.ofSystem().probe());
            progress.println("Database backend: " + choice.backend().name().toLowerCase(Locale.ROOT) + " (" + choice.reason() + ")");
            return choice.backend().name().toLowerCase(Locale.ROOT);
        } catch (BackendUnavailableException e) {
            throw new GradingException(e.getMessage(), e);
        }
    }

    private static Path createWorkspace() {
        try {
            return Files.createTempDirectory("dbkata-grade-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a folder to grade in (is the temporary folder writable?)", e);
        }
    }

    private static String elapsed(long start) {
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
