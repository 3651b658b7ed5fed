package dev.dbkata.grader;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kata test EXERCISE [TASK] [-v]}: the learner's code compiled against the built tests and
 * run in this JVM, with a line per test, failures in full and the next step. No Maven: a run costs
 * little more than the tests themselves. {@code -v} also shows what the tests and servers print,
 * and where the time went.
 *
 * <p>Exit status: 0 every test run passed, 1 one did not (or the code does not compile), 2 the
 * command could not run.
 */
final class QuickTest {

    private final KataRepository repository;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    QuickTest(KataRepository repository, PrintStream out, PrintStream err, Map<String, String> env) {
        this.repository = repository;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /** What {@code kata test} and {@code kata watch} were asked: the words and {@code -v}. */
    record Request(List<String> names, boolean verbose) {

        static Request of(List<String> words) {
            List<String> names = new ArrayList<>();
            boolean verbose = false;
            for (String word : words) {
                if (word.equals("-v") || word.equals("--verbose")) {
                    verbose = true;
                } else {
                    names.add(word);
                }
            }
            return new Request(List.copyOf(names), verbose);
        }
    }

    int run(List<String> words, Duration perTest) {
        long entered = uptimeMillis();
        Request request = Request.of(words);
        if (request.names().isEmpty() || request.names().size() > 2) {
            throw new GradingException("usage: kata test EXERCISE [TASK] [-v]");
        }
        String exercise = exerciseName(repository, request.names().get(0));
        TaskCatalog catalog = repository.catalog(exercise);
        Optional<TaskInfo> task = request.names().size() == 2 ? Optional.of(task(catalog, request.names().get(1)))
                : Optional.empty();
        LoopOutput output = new LoopOutput(terminal(out, env), LoopOutput.Marks.forLocale(env), request.verbose());
        TaskLoop loop = new TaskLoop(repository, output, perTest, request.verbose() ? err : discard());
        TaskLoop.Result result = loop.run(catalog, task);
        nextStep(output, catalog, task, result);
        if (request.verbose()) {
            output.line(String.format(Locale.ROOT, "(compile %.1f s with the fair-play check %.1f s, tests %.1f s)",
                    result.buildMillis() / 1000.0, result.checkMillis() / 1000.0, result.testsMillis() / 1000.0));
        }
        if (env.get("KATA_TIMING") != null) {
            err.printf(Locale.ROOT, "kata-timing build_ms=%d tests_ms=%d round_ms=%d check_ms=%d main_at_ms=%d end_at_ms=%d%n",
                    result.buildMillis(), result.testsMillis(), result.totalMillis(), result.checkMillis(), entered,
                    uptimeMillis());
        }
        output.stream().flush();
        return result.passed() ? Main.OK : Main.FAILED;
    }

    private void nextStep(LoopOutput output, TaskCatalog catalog, Optional<TaskInfo> task, TaskLoop.Result result) {
        String exercise = catalog.exercise().id();
        Optional<TaskResult> failing = result.tasks().stream().filter(t -> t.status() != TaskStatus.PASSED).findFirst();
        output.line("");
        if (failing.isPresent()) {
            String id = failing.get().task().id();
            output.line("Next: make " + id + " pass; ./kata watch " + exercise + " re-runs it on every save.");
            output.line("Stuck? ./kata hint " + exercise + " " + id);
            return;
        }
        Map<String, Boolean> done = Progress.of(repository, catalog);
        Optional<TaskInfo> next = catalog.exercise().tasks().stream()
                .filter(t -> !done.getOrDefault(t.id(), false) && task.map(x -> !x.id().equals(t.id())).orElse(true))
                .findFirst();
        if (next.isPresent()) {
            output.line("Next task: ./kata test " + exercise + " " + next.get().id() + "  (" + next.get().title() + ")");
        } else {
            output.line("Every task of " + exercise + " passes. Your score, graded as a bootcamp would: ./kata grade "
                    + exercise);
        }
    }

    /** The exercise a learner named ({@code exercises/04-partitioning/} is {@code 04-partitioning}). */
    static String exerciseName(KataRepository repository, String given) {
        String name = given.replaceFirst("^\\./", "").replaceFirst("^exercises/", "").replaceFirst("/+$", "");
        Names.requireExercises(repository, List.of(name));
        return name;
    }

    static TaskInfo task(TaskCatalog catalog, String id) {
        Names.requireTask(catalog, id);
        return catalog.exercise().tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    /** The terminal, in UTF-8 where its marks need it (Java 17 writes ASCII in some locales). */
    static PrintStream terminal(PrintStream out, Map<String, String> env) {
        if (out == System.out && LoopOutput.Marks.forLocale(env) == LoopOutput.Marks.UNICODE) {
            return new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        }
        return out;
    }

    static PrintStream discard() {
        return new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }

    /** Since this JVM started (only asked for timings: the management classes take a while to load). */
    private long uptimeMillis() {
        return env.get("KATA_TIMING") == null ? 0 : java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }

}
