package dev.dbkata.grader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Grades one exercise in a workspace folder: copies the graded code and the canonical tests,
 * compiles both, checks fair play, runs the tests in a JVM of their own and scores the tasks.
 * Whatever goes wrong with the learner's code ends here as a result, never as an exception.
 */
final class ExerciseGrader {

    private final KataRepository repository;
    private final Target target;
    private final ExerciseJvm jvm;
    private final SourceCompiler compiler;
    private final int repeat;
    private final java.util.Set<String> onlyTasks;

    ExerciseGrader(KataRepository repository, Target target, ExerciseJvm jvm, SourceCompiler compiler, int repeat) {
        this(repository, target, jvm, compiler, repeat, java.util.Set.of());
    }

    /**
     * @param onlyTasks the ids of the tasks to run and score; empty: every task. Only their test
     *                  classes run, and the result lists only them.
     */
    ExerciseGrader(KataRepository repository, Target target, ExerciseJvm jvm, SourceCompiler compiler, int repeat,
            java.util.Set<String> onlyTasks) {
        this.repository = repository;
        this.target = target;
        this.jvm = jvm;
        this.compiler = compiler;
        this.repeat = repeat;
        this.onlyTasks = java.util.Set.copyOf(onlyTasks);
    }

    ExerciseResult grade(String id, Path workDir) {
        long start = System.nanoTime();
        TaskCatalog catalog = repository.catalog(id);
        ExerciseInfo exercise = catalog.exercise();
        onlyTasks.stream().sorted().forEach(task -> Names.requireTask(catalog, task));
        ExerciseResult result;
        try {
            result = gradeCatalogued(catalog, workDir, start);
        } catch (RuntimeException e) {
            // Whatever a submission provokes ends as this exercise's result, never the whole run's.
            result = wholeExerciseError(exercise, "error: grading stopped: " + e, start);
        }
        if (onlyTasks.isEmpty()) {
            return result;
        }
        return new ExerciseResult(exercise, result.tasks().stream().filter(t -> onlyTasks.contains(t.task().id())).toList(),
                result.durationMs(), result.problem());
    }

    /** The test classes to run: the chosen tasks' (nested classes run with their outer class), or all. */
    private List<String> selectedClasses(ExerciseInfo exercise) {
        return exercise.tasks().stream().filter(t -> onlyTasks.contains(t.id()))
                .flatMap(t -> t.testClasses().stream()).toList();
    }

    private ExerciseResult gradeCatalogued(TaskCatalog catalog, Path workDir, long start) {
        ExerciseInfo exercise = catalog.exercise();
        String id = exercise.id();
        List<Path> dependencies = repository.dependencies(target.classpathModule(repository, id));

        // The copy: the graded code, and this repository's ready-made classes and tests (never the
        // submission's).
        Path mainCopy = workDir.resolve("src/main");
        Path givenCopy = workDir.resolve("src/given");
        Path testCopy = workDir.resolve("src/test");
        Path mainSources = target.mainSources(repository, id);
        Optional<String> problem = SubmittedFiles.problemWith(mainSources, target.root(repository));
        if (problem.isPresent()) {
            return wholeExerciseError(exercise, problem.get(), start);
        }
        FileCopies.copyTree(mainSources, mainCopy);
        FileCopies.copyTree(repository.exercise(id).resolve("src/given"), givenCopy);
        FileCopies.copyTree(repository.exercise(id).resolve("src/test"), testCopy);
        Path classes = workDir.resolve("classes");
        Path testClasses = workDir.resolve("test-classes");

        problem = compiler.compile(List.of(mainCopy.resolve("java"), givenCopy.resolve("java")), dependencies, classes,
                workDir).map(first -> "compile error: " + first);
        if (problem.isEmpty()) {
            List<Path> withCode = new ArrayList<>(dependencies);
            withCode.add(classes);
            // With a task filter, only that task's test classes and what they use are compiled.
            problem = (onlyTasks.isEmpty()
                    ? compiler.compile(List.of(testCopy.resolve("java")), withCode, testClasses, workDir)
                    : compiler.compileUsing(selectedClasses(exercise).stream()
                            .map(c -> testCopy.resolve("java").resolve(c.replace('.', '/') + ".java")).toList(),
                            testCopy.resolve("java"), withCode, testClasses, workDir))
                    .map(first -> "compile error: the tests do not compile against your code: " + first);
        }
        if (problem.isEmpty()) {
            problem = FairPlay.check(classes, catalog.testSourceClasses()).map(FairPlay.Violation::toString);
        }
        if (problem.isPresent()) {
            return wholeExerciseError(exercise, problem.get(), start);
        }
        FileCopies.copyTree(mainCopy.resolve("resources"), classes);
        FileCopies.copyTree(givenCopy.resolve("resources"), classes);
        FileCopies.copyTree(testCopy.resolve("resources"), testClasses);

        List<List<TaskResult>> runs = new ArrayList<>();
        String runProblem = null;
        TestCode testCode = new TestCode(repository.exercise(id).resolve("src/test/java"));
        for (int run = 1; run <= repeat; run++) {
            ExerciseJvm.Ending ending = jvm.run(workDir, classes, testClasses, dependencies, selectedClasses(exercise));
            RunOutcome outcome = RunOutcome.of(ending);
            runs.add(outcome.problem() == null || !outcome.outcomes().isEmpty()
                    ? TaskScoring.score(catalog, testCode.attach(outcome.outcomes()))
                    : TaskScoring.all(exercise, outcome.status(), outcome.problem()));
            runProblem = runProblem != null ? runProblem : outcome.problem();
        }
        return new ExerciseResult(exercise, TaskScoring.combine(runs), millisSince(start), runProblem);
    }

    /** Every task of the exercise scored 0 for one reason that stopped the whole exercise. */
    private static ExerciseResult wholeExerciseError(ExerciseInfo exercise, String problem, long start) {
        return new ExerciseResult(exercise, TaskScoring.all(exercise, TaskStatus.ERROR, problem), millisSince(start), problem);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** What one run of the JVM amounts to: the test outcomes, and what cut it short if anything. */
    private record RunOutcome(List<TestOutcome> outcomes, TaskStatus status, String problem) {

        static RunOutcome of(ExerciseJvm.Ending ending) {
            String timeout = "timeout: the exercise's tests did not finish in time and were stopped";
            String exited = "exited: the test JVM stopped (exit code " + ending.exitCode() + ")";
            RunEvents.Run run = ending.timedOut()
                    ? RunEvents.read(ending.events(), TaskStatus.TIMEOUT, timeout)
                    : RunEvents.read(ending.events(), TaskStatus.ERROR, exited + " before this test finished");
            // Every result arrived: how the JVM ended afterwards (a slow shutdown hook) changes nothing.
            if (run.completed()) {
                return new RunOutcome(run.outcomes(), TaskStatus.PASSED, null);
            }
            if (ending.timedOut()) {
                return new RunOutcome(run.outcomes(), TaskStatus.TIMEOUT,
                        run.lastStarted() == null ? timeout : timeout + " (while running '" + run.lastStarted() + "')");
            }
            String problem = run.lastStarted() != null ? exited + " while running '" + run.lastStarted() + "'"
                    : exited + " before any test ran: " + ending.output().firstError();
            return new RunOutcome(run.outcomes(), TaskStatus.ERROR, problem);
        }
    }
}
