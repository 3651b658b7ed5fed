package dev.dbkata.grader;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One round of the learner's loop, shared by {@code kata test} and {@code kata watch}: build what
 * changed ({@link LearnerBuild}), run one task's tests or the whole exercise's in this JVM
 * ({@link InProcessTests}) while printing each result ({@link LoopOutput}), score the tasks and
 * record the progress ({@link LoopProgress}).
 */
final class TaskLoop {

    /**
     * @param tasks        the tasks run (one, or every task of the exercise), scored
     * @param testsRan     false when the tests could not run (a compile error...)
     * @param timedOut     a test ran out of time: its thread may still be running in this JVM
     * @param buildMillis  compiling and checking the code
     * @param checkMillis  of which the fair-play check
     * @param testsMillis  the tests' own time (servers starting included)
     * @param totalMillis  the whole round, from before the build to the summary
     */
    record Result(List<TaskResult> tasks, boolean testsRan, boolean timedOut, long buildMillis, long testsMillis,
            long totalMillis, long checkMillis) {

        boolean passed() {
            return testsRan && !tasks.isEmpty() && tasks.stream().allMatch(t -> t.status() == TaskStatus.PASSED);
        }
    }

    private final KataRepository repository;
    private final LearnerBuild build;
    private final LoopOutput output;
    private final Duration perTest;
    private final PrintStream testsOutput;

    /** @param testsOutput where what the tests print goes (the terminal with {@code -v}, else nowhere) */
    TaskLoop(KataRepository repository, LoopOutput output, Duration perTest, PrintStream testsOutput) {
        this.repository = repository;
        this.build = new LearnerBuild(repository, new SourceCompiler());
        this.output = output;
        this.perTest = perTest;
        this.testsOutput = testsOutput;
    }

    Result run(TaskCatalog catalog, Optional<TaskInfo> task) {
        long start = System.nanoTime();
        ExerciseInfo exercise = catalog.exercise();
        output.header(exercise, task);
        List<String> classes = task.map(TaskInfo::testClasses).orElse(List.of());
        LearnerBuild.Built built = build.build(catalog, classes);
        if (built.warning() != null) {
            output.warning(built.warning());
        }
        if (built.problem() != null) {
            output.problem(built.problem());
            List<TaskResult> failed = only(task, TaskScoring.all(exercise, TaskStatus.ERROR, built.problem()));
            return new Result(failed, false, false, built.millis(), 0, millisSince(start), 0);
        }
        InProcessTests.Run run = InProcessTests.run(built, classes, perTest,
                test -> output.test(test, catalog.taskOf(test.className()), task.isEmpty()), testsOutput);
        if (run.problem() != null && run.outcomes().isEmpty()) {
            output.problem(run.problem());
            List<TaskResult> failed = only(task, TaskScoring.all(exercise, TaskStatus.ERROR, run.problem()));
            return new Result(failed, false, false, built.millis(), run.testsMillis(), millisSince(start), 0);
        }
        List<TaskResult> tasks = only(task, TaskScoring.score(catalog, run.outcomes()));
        long checkMillis = 0;
        if (!tasks.isEmpty() && tasks.stream().allMatch(t -> t.status() == TaskStatus.PASSED)) {
            Optional<String> unfair = build.fairPlay(catalog);
            checkMillis = build.checkMillis();
            if (unfair.isPresent()) {
                output.problem(unfair.get() + " (kata grade scores this exercise 0 until it is fixed)");
                List<TaskResult> refused = only(task, TaskScoring.all(exercise, TaskStatus.ERROR, unfair.get()));
                return new Result(refused, false, false, built.millis() + checkMillis, run.testsMillis(),
                        millisSince(start), checkMillis);
            }
        }
        LoopProgress.record(repository.exercise(exercise.id()), run.outcomes());
        output.summary(tasks);
        boolean timedOut = run.outcomes().stream().anyMatch(t -> t.status() == TaskStatus.TIMEOUT);
        return new Result(tasks, true, timedOut, built.millis() + checkMillis, run.testsMillis(), millisSince(start),
                checkMillis);
    }

    private static List<TaskResult> only(Optional<TaskInfo> task, List<TaskResult> all) {
        return task.map(t -> all.stream().filter(r -> r.task().id().equals(t.id())).toList()).orElse(all);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
