package dev.dbkata.grader;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.dbkata.grader.runner.ExerciseRunner;

/**
 * Starts the JVM that runs one exercise's tests ({@link ExerciseRunner}), waits for it within
 * the exercise's limit, and stops it — gently first, so that its shutdown hook stops its database
 * servers, then by force with everything it started.
 */
final class ExerciseJvm {

    /** How the JVM ended. {@code exitCode} is -1 when it was stopped for taking too long. */
    record Ending(boolean timedOut, int exitCode, Path events, Path log) {
    }

    private static final Duration GRACE = Duration.ofSeconds(10);

    private final String backend;
    private final Duration perTest;
    private final Duration perExercise;
    private final java.util.Set<Process> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ExerciseJvm(String backend, Duration perTest, Duration perExercise) {
        this.backend = backend;
        this.perTest = perTest;
        this.perExercise = perExercise;
    }

    /**
     * @param workDir     the exercise's folder in the grading workspace (the JVM's working directory)
     * @param classes     the learner's compiled code
     * @param testClasses the compiled canonical tests
     */
    Ending run(Path workDir, Path classes, Path testClasses, List<Path> dependencies, String runName) {
        Path events = workDir.resolve(runName + "-events.jsonl");
        Path log = workDir.resolve(runName + "-output.log");
        Set<String> classpath = new LinkedHashSet<>(runnerClasspath());
        classpath.add(testClasses.toString());
        classpath.add(classes.toString());
        dependencies.forEach(d -> classpath.add(d.toString()));
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Dkata.backend=" + backend, "-Dfile.encoding=UTF-8",
                "-cp", String.join(File.pathSeparator, classpath),
                ExerciseRunner.class.getName(), events.toString(), testClasses.toString(),
                Long.toString(Math.max(1, perTest.toSeconds()))));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new GradingException("could not start a JVM for the tests: " + e.getMessage(), e);
        }
        running.add(process);
        try {
            if (process.waitFor(perExercise.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Ending(false, process.exitValue(), events, log);
            }
            stop(process);
            return new Ending(true, -1, events, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new GradingException("interrupted while the tests ran", e);
        } finally {
            running.remove(process);
        }
    }

    /** Stops every test JVM still running: the grader is being stopped (Ctrl-C). */
    void stopAll() {
        for (Process process : running) {
            try {
                stop(process);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        // Gently first: the JVM's shutdown hook stops its database servers cleanly.
        process.destroy();
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        // A JVM killed by force leaves its servers to the testkit's watchdog, which stops them
        // within seconds; whatever is still there after that is ended here.
        CompletableFuture<?>[] exits = descendants.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Where the runner and the JUnit launcher come from: the grader's own classpath. */
    private static List<String> runnerClasspath() {
        return List.of(ExerciseRunner.class, org.junit.platform.launcher.core.LauncherFactory.class).stream()
                .map(ExerciseJvm::locationOf).distinct().collect(Collectors.toList());
    }

    private static String locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The line of a JVM's output that says best why it stopped: the first exception or error, else the last line. */
    static String firstError(Path log) {
        try {
            if (!Files.exists(log)) {
                return "(no output)";
            }
            List<String> lines = Files.readAllLines(log);
            return lines.stream().filter(l -> l.contains("Exception") || l.contains("Error")).findFirst()
                    .orElse(lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
