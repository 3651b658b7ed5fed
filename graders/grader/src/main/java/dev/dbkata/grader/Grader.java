package dev.dbkata.grader;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dbkata.testkit.Backends;
import dev.dbkata.testkit.InfrastructureException;

/**
 * Grades exercises, each in a JVM of its own (one at a time unless {@code --jobs} says more), in
 * a {@link GradingWorkspace} that is deleted afterwards; the graded tree is only read. Prints one progress line
 * per exercise as it finishes.
 */
public final class Grader {

    /** What to grade and how. */
    public record Request(KataRepository repository, Target target, List<String> exercises, Duration perTest,
            Duration perExercise, int repeat, int jobs) {

        public Request {
            // Named twice (04-partitioning and exercises/04-partitioning/) is still one exercise.
            exercises = List.copyOf(new java.util.LinkedHashSet<>(exercises));
            if (repeat < 1 || jobs < 1) {
                throw new GradingException("--repeat and --jobs must be at least 1");
            }
        }

        /** One exercise at a time. */
        public Request(KataRepository repository, Target target, List<String> exercises, Duration perTest,
                Duration perExercise, int repeat) {
            this(repository, target, exercises, perTest, perExercise, repeat, 1);
        }
    }

    private final PrintStream progress;

    public Grader(PrintStream progress) {
        this.progress = progress;
    }

    public Report grade(Request request) {
        Names.requireExercises(request.repository(), request.exercises());
        String backend = chooseBackend(progress);
        SourceCompiler compiler = new SourceCompiler();
        ExerciseJvm jvm = new ExerciseJvm(backend, request.perTest(), request.perExercise());
        ExerciseGrader exerciseGrader = new ExerciseGrader(request.repository(), request.target(), jvm, compiler,
                request.repeat());
        GradingWorkspace workspace = GradingWorkspace.create(progress);
        Thread cleanUp = cleanUpOnExit(jvm, workspace);
        long start = System.nanoTime();
        AtomicInteger finished = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(request.jobs());
        try {
            List<Future<ExerciseResult>> futures = new ArrayList<>();
            for (String id : request.exercises()) {
                futures.add(pool.submit(() -> {
                    ExerciseResult result = exerciseGrader.grade(id, workspace.exercise(id));
                    synchronized (progress) {
                        progress.printf(Locale.ROOT,
                                "[%d/%d] %-28s %d/%d tasks passed  %3d/%-3d points  %5.1f s  (%s elapsed)%n",
                                finished.incrementAndGet(), request.exercises().size(), id, result.passedTasks(),
                                result.tasks().size(), result.earned(), result.possible(), result.durationMs() / 1000.0,
                                elapsed(start));
                    }
                    return result;
                }));
            }
            List<ExerciseResult> results = new ArrayList<>();
            for (Future<ExerciseResult> future : futures) {
                results.add(await(future));
            }
            return new Report(backend, request.target().name(), results);
        } finally {
            pool.shutdownNow();
            removeHook(cleanUp);
            workspace.close();
        }
    }

    /** The task's result, or its exception as it was thrown (a {@link GradingException} stays one). */
    static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradingException("interrupted while grading", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new GradingException("grading failed: " + e.getCause(), e.getCause());
        }
    }

    /** Decided once for the whole run and passed to every exercise's JVM, so all use the same. */
    static String chooseBackend(PrintStream progress) {
        try {
            Backends.Decision choice = Backends.decide();
            progress.println("Database backend: " + choice.name() + " (" + choice.reasonToShow() + ")");
            return choice.name();
        } catch (InfrastructureException e) {
            throw new GradingException(e.getMessage(), e);
        }
    }

    /** Ctrl-C: stop the test JVMs (and so their servers) and remove the workspace. Returns the hook. */
    static Thread cleanUpOnExit(ExerciseJvm jvm, GradingWorkspace workspace) {
        Thread cleanUp = new Thread(() -> {
            jvm.stopAll();
            workspace.delete();
        }, "grader-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        return cleanUp;
    }

    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is running or has run.
        }
    }

    static String elapsed(long start) {
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
