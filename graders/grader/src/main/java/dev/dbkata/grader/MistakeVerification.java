package dev.dbkata.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code kata verify --mistakes}: the proof that an exercise's tests reject the wrong answers
 * learners give. Each wrong answer is a patch against the reference solution,
 * {@code solutions/NN-slug/mistakes/<name>.patch}:
 * <pre>
 * Task: keyset-pagination
 * Mistake: pages with OFFSET instead of a keyset, so rows that arrive meanwhile shift every page
 * diff --git a/src/main/java/... b/src/main/java/...
 * ...
 * </pre>
 * (paths relative to the solution's module). Each is applied to a fresh copy of the reference's
 * {@code src/main}, then graded running only the named task's test classes. The mistake is caught
 * only when that task ends {@code failed}: a check failed, or the code under test threw.
 */
final class MistakeVerification {

    private static final Pattern TASK_LINE = Pattern.compile("Task: *([a-z0-9]+(?:-[a-z0-9]+)*) *");
    private static final Pattern MISTAKE_LINE = Pattern.compile("Mistake: *(\\S.*)");
    private static final Duration GIT_LIMIT = Duration.ofSeconds(60);

    /** What a mistake came to. Only {@link #CAUGHT} is as it should be. */
    enum Verdict {
        CAUGHT("caught"),
        NOT_CAUGHT("NOT CAUGHT"),
        TIMEOUT("caught only by the time limit"),
        ERROR("error"),
        SKIPPED("skipped"),
        UNUSABLE("unusable");

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    /**
     * One mistake's outcome.
     *
     * @param task    the task its header names (null when the header is unreadable)
     * @param message what the task showed (the first line of its first problem) or why the patch
     *                could not be graded
     * @param durationMs the whole mistake: copy, patch, compile, test JVM
     * @param testsMs    of which the task's tests took
     */
    record Outcome(String exercise, String name, String task, Verdict verdict, String message, long durationMs,
            long testsMs) {
    }

    /** A patch file read: its header and where it lives. */
    record Mistake(String exercise, String name, Path file, String task, String description) {
    }

    private final KataRepository repository;
    private final Duration perTest;
    private final Duration perExercise;
    private final int jobs;
    private final PrintStream progress;

    MistakeVerification(KataRepository repository, Duration perTest, Duration perExercise, int jobs,
            PrintStream progress) {
        this.repository = repository;
        this.perTest = perTest;
        this.perExercise = perExercise;
        this.jobs = jobs;
        this.progress = progress;
    }

    /** The mistake patches of an exercise, by name; none when it has no {@code mistakes/} folder. */
    static List<Path> patches(KataRepository repository, String exercise) {
        Path folder = repository.solution(exercise).resolve("mistakes");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".patch") && Files.isRegularFile(f)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Grades every mistake of the exercises, {@code jobs} at a time; outcomes in the order of the patches. */
    List<Outcome> verify(List<String> exercises) {
        Names.requireExercises(repository, exercises);
        List<Path> files = exercises.stream().flatMap(e -> patches(repository, e).stream()).toList();
        if (files.isEmpty()) {
            return List.of();
        }
        String backend = Grader.chooseBackend(progress);
        SourceCompiler compiler = new SourceCompiler();
        // A mistake is caught by its first failed check: the task's other tests need not run.
        ExerciseJvm jvm = new ExerciseJvm(backend, perTest, perExercise, true);
        GradingWorkspace workspace = GradingWorkspace.create(progress);
        Thread cleanUp = Grader.cleanUpOnExit(jvm, workspace);
        long start = System.nanoTime();
        AtomicInteger finished = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                Path folder = workspace.exercise("mistake-" + (i + 1));
                futures.add(pool.submit(() -> {
                    Outcome outcome = grade(file, folder, jvm, compiler);
                    synchronized (progress) {
                        progress.printf(Locale.ROOT, "[%d/%d] %s/%s: %s  %5.1f s  (%s elapsed)%n",
                                finished.incrementAndGet(), files.size(), outcome.exercise(), outcome.name(),
                                outcome.verdict().label, outcome.durationMs() / 1000.0, Grader.elapsed(start));
                    }
                    return outcome;
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(Grader.await(future));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            Grader.removeHook(cleanUp);
            workspace.close();
        }
    }

    /** One mistake: read, applied to a copy of the reference, graded for its task alone. */
    private Outcome grade(Path file, Path folder, ExerciseJvm jvm, SourceCompiler compiler) {
        String exercise = file.getParent().getParent().getFileName().toString();
        String name = file.getFileName().toString().replaceFirst("\\.patch$", "");
        long start = System.nanoTime();
        Mistake mistake;
        try {
            mistake = read(file, exercise, name);
            // The copy is laid out as a checkout (solutions/NN/src/main), so the grader reads it
            // as it reads any graded tree.
            Path module = folder.resolve("checkout/solutions").resolve(exercise);
            apply(mistake, repository.solution(exercise), module);
        } catch (Unusable e) {
            return new Outcome(exercise, name, e.task, Verdict.UNUSABLE, e.getMessage(), millisSince(start), 0);
        }
        ExerciseGrader grader = new ExerciseGrader(repository, Target.mistake(folder.resolve("checkout")), jvm, compiler,
                1, Set.of(mistake.task()));
        ExerciseResult result = grader.grade(exercise, folder.resolve("work"));
        TaskResult task = result.tasks().get(0);
        return new Outcome(exercise, name, mistake.task(), verdict(task), shown(mistake, task),
                millisSince(start), task.durationMs());
    }

    /**
     * A check that failed catches the mistake, even when another test of the task then ran into
     * the time limit (a slow test on a loaded machine must not turn a caught mistake into a red
     * build); a task stopped only by the time limit, with no failed check, is not caught.
     */
    private static Verdict verdict(TaskResult task) {
        if (task.status() == TaskStatus.TIMEOUT && failedCheck(task).isPresent()) {
            return Verdict.CAUGHT;
        }
        return switch (task.status()) {
            case FAILED -> Verdict.CAUGHT;
            case PASSED -> Verdict.NOT_CAUGHT;
            case TIMEOUT -> Verdict.TIMEOUT;
            case ERROR -> Verdict.ERROR;
            case SKIPPED -> Verdict.SKIPPED;
        };
    }

    /** The task's message; for a timeout or an error, also the first check that did fail, if one did. */
    private static String shown(Mistake mistake, TaskResult task) {
        if (task.status() == TaskStatus.PASSED) {
            return "every test of " + task.task().id() + " passed with this mistake: " + mistake.description();
        }
        String message = Objects.requireNonNullElse(task.message(), task.status().key());
        if (task.status() == TaskStatus.TIMEOUT || task.status() == TaskStatus.ERROR) {
            message += failedCheck(task)
                    .map(t -> " (a check did fail in '" + t.name() + "': " + TaskScoring.firstLine(t.message()) + ")")
                    .orElse("");
        }
        return message;
    }

    private static Optional<TestOutcome> failedCheck(TaskResult task) {
        return task.tests().stream().filter(t -> t.status() == TaskStatus.FAILED).findFirst();
    }

    /** Reads the two header lines and checks the task exists. */
    Mistake read(Path file, String exercise, String name) {
        String where = "solutions/" + exercise + "/mistakes/" + file.getFileName();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new Unusable(null, where + " cannot be read: " + e.getMessage());
        }
        Matcher task = lines.isEmpty() ? null : TASK_LINE.matcher(lines.get(0).strip());
        Matcher mistake = lines.size() < 2 ? null : MISTAKE_LINE.matcher(lines.get(1).strip());
        if (task == null || !task.matches() || mistake == null || !mistake.matches()) {
            throw new Unusable(null, where + " has no header: its first line must be 'Task: <task-id>' and its second"
                    + " 'Mistake: <the mistake in one line>', then the diff");
        }
        String id = task.group(1);
        List<String> tasks = repository.catalog(exercise).exercise().tasks().stream().map(TaskInfo::id).toList();
        if (!tasks.contains(id)) {
            throw new Unusable(id, where + " names task '" + id + "', which " + exercise + " does not have (its tasks: "
                    + String.join(", ", tasks) + ")");
        }
        return new Mistake(exercise, name, file, id, mistake.group(1).strip());
    }

    /**
     * Copies the reference's {@code src/main} to {@code module} and applies the patch there with
     * {@code git apply}, outside any git repository (a repository around the folder would make git
     * take the patch's paths from its root and skip every file). A patch that does not apply,
     * changes nothing, or changes something other than {@code src/main} is refused.
     */
    private static void apply(Mistake mistake, Path reference, Path module) {
        String where = "solutions/" + mistake.exercise() + "/mistakes/" + mistake.file().getFileName();
        FileCopies.copyTree(reference.resolve("src/main"), module.resolve("src/main"));
        Map<String, String> before = Fingerprint.of(module);
        List<String> command = List.of("git", "apply", "--whitespace=nowarn", mistake.file().toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(v -> v.startsWith("GIT_"));
        // Git must not look for a repository above the copy.
        builder.environment().put("GIT_CEILING_DIRECTORIES", module.getParent().toAbsolutePath().toString());
        String output;
        int exit;
        try {
            Process git = builder.start();
            git.getOutputStream().close();
            output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!git.waitFor(GIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                git.destroyForcibly();
                throw new Unusable(mistake.task(), where + ": git apply did not finish");
            }
            exit = git.exitValue();
        } catch (IOException e) {
            throw new Unusable(mistake.task(), where + ": could not run git apply (is git installed?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradingException("interrupted while applying " + where, e);
        }
        if (exit != 0) {
            throw new Unusable(mistake.task(), where + " does not apply to the reference: "
                    + TaskScoring.firstLine(output.isBlank() ? "git apply exited with " + exit : output)
                    + " (remake it: see docs/EXERCISE-STANDARD.md, Mistakes)");
        }
        Map<String, String> after = Fingerprint.of(module);
        if (before.equals(after)) {
            throw new Unusable(mistake.task(), where + " changes nothing in the reference's src/main (are its paths"
                    + " relative to the solution's module, a/src/main/java/...?)");
        }
        List<String> outside = Stream.concat(before.keySet().stream(), after.keySet().stream())
                .filter(f -> !f.startsWith("src/main/") && !Objects.equals(before.get(f), after.get(f)))
                .distinct().sorted().toList();
        if (!outside.isEmpty()) {
            throw new Unusable(mistake.task(), where + " changes " + String.join(", ", outside)
                    + ": a mistake may only change src/main (the code the grader grades)");
        }
    }

    /** Prints one line per mistake and a summary; returns how many are not as they should be. */
    static int report(List<String> exercises, KataRepository repository, List<Outcome> outcomes, PrintStream out) {
        int nameWidth = outcomes.stream().mapToInt(o -> o.exercise().length() + 1 + o.name().length()).max().orElse(0);
        int taskWidth = outcomes.stream().mapToInt(o -> Objects.requireNonNullElse(o.task(), "?").length()).max().orElse(0);
        int verdictWidth = outcomes.stream().mapToInt(o -> o.verdict().label.length()).max().orElse(0);
        for (Outcome o : outcomes) {
            out.printf(Locale.ROOT, "  %-" + verdictWidth + "s  %-" + nameWidth + "s  %-" + taskWidth
                    + "s  %5.1f s (tests %5.1f s)  %s%n", o.verdict().label, o.exercise() + "/" + o.name(),
                    Objects.requireNonNullElse(o.task(), "?"), o.durationMs() / 1000.0, o.testsMs() / 1000.0, o.message());
        }
        List<String> without = exercises.stream().filter(e -> patches(repository, e).isEmpty()).toList();
        long caught = outcomes.stream().filter(o -> o.verdict() == Verdict.CAUGHT).count();
        int problems = (int) (outcomes.size() - caught);
        StringBuilder summary = new StringBuilder("kata verify --mistakes: ")
                .append(RepositoryLayout.count(outcomes.size(), "mistake")).append(" in ")
                .append(RepositoryLayout.count(exercises.size() - without.size(), "exercise")).append(": ")
                .append(caught).append(" caught");
        for (Verdict verdict : Verdict.values()) {
            long count = outcomes.stream().filter(o -> o.verdict() == verdict).count();
            if (verdict != Verdict.CAUGHT && count > 0) {
                summary.append(", ").append(count).append(' ').append(verdict.label);
            }
        }
        summary.append('.');
        if (!without.isEmpty()) {
            summary.append(" No mistakes yet: ").append(String.join(", ", without)).append('.');
        }
        out.println(summary);
        return problems;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A patch that cannot be graded; the message names the file. */
    private static final class Unusable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient String task;

        Unusable(String task, String message) {
            super(message);
            this.task = task;
        }
    }

    /** Every file under a folder with its content, relative path to text: equal maps mean an unchanged tree. */
    private static final class Fingerprint {
        private Fingerprint() {
        }

        static Map<String, String> of(Path root) {
            Map<String, String> files = new java.util.TreeMap<>();
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    files.put(root.relativize(file).toString().replace(java.io.File.separatorChar, '/'),
                            java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(Files.readAllBytes(file))));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return files;
        }
    }
}
