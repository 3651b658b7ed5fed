package dev.dbkata.grader;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
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

    /**
     * How the JVM ended. {@code exitCode} is -1 when it was stopped for taking too long.
     *
     * @param events the event lines it wrote (JSON), only those that carried the secret
     * @param output the tail of everything else it printed
     */
    record Ending(boolean timedOut, int exitCode, List<String> events, OutputTail output) {
    }

    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String backend;
    private final Duration perTest;
    private final Duration perExercise;
    private final java.util.Set<Process> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final boolean stopAtFirstFailedCheck;

    ExerciseJvm(String backend, Duration perTest, Duration perExercise) {
        this(backend, perTest, perExercise, false);
    }

    /**
     * @param stopAtFirstFailedCheck end the run at the first test that fails a check, the rest
     *                               reported as not run: all {@code kata verify --mistakes} needs
     *                               to know (never for grading, where every test counts)
     */
    ExerciseJvm(String backend, Duration perTest, Duration perExercise, boolean stopAtFirstFailedCheck) {
        this.backend = backend;
        this.perTest = perTest;
        this.perExercise = perExercise;
        this.stopAtFirstFailedCheck = stopAtFirstFailedCheck;
    }

    /**
     * @param workDir     the exercise's folder in the grading workspace (the JVM's working directory)
     * @param classes     the learner's compiled code (with the given classes)
     * @param testClasses the compiled canonical tests
     * @param only        the test classes to run (a task's); empty: all of them
     */
    Ending run(Path workDir, Path classes, Path testClasses, List<Path> dependencies, List<String> only) {
        // Tests and libraries first: code under test cannot stand in for a test class, JUnit or
        // AssertJ by declaring a class of the same name.
        Set<String> classpath = new LinkedHashSet<>(runnerClasspath());
        classpath.add(testClasses.toString());
        dependencies.forEach(d -> classpath.add(d.toString()));
        classpath.add(classes.toString());
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Dkata.backend=" + backend, "-Dfile.encoding=UTF-8",
                // kata ... -v: the tests' own backend messages in full too (KATA_VERBOSE is inherited anyway).
                "-D" + Terminal.VERBOSE_PROPERTY + "=" + (Boolean.getBoolean(Terminal.VERBOSE_PROPERTY) ? "true" : ""),
                "-D" + ExerciseRunner.STOP_AT_FIRST_FAILED_CHECK + "=" + stopAtFirstFailedCheck,
                "-cp", String.join(File.pathSeparator, classpath),
                ExerciseRunner.class.getName(), testClasses.toString(), Long.toString(Math.max(1, perTest.toSeconds()))));
        if (!only.isEmpty()) {
            command.add(String.join(",", only));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        // The grader's CI credentials and report files are none of the tests' business.
        builder.environment().keySet().removeIf(ExerciseJvm::isPrivate);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new GradingException("could not start a JVM for the tests: " + e.getMessage(), e);
        }
        String secret = Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong());
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        OutputTail output = new OutputTail();
        Thread stdout = drain(process.getInputStream(), line -> {
            if (line.startsWith(secret + " ")) {
                events.add(line.substring(secret.length() + 1));
            } else {
                output.add(line);
            }
        });
        Thread stderr = drain(process.getErrorStream(), output::add);
        running.add(process);
        try {
            try (var stdin = process.getOutputStream()) {
                stdin.write((secret + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The JVM died at once; its output says why.
            }
            boolean finished = process.waitFor(perExercise.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                stop(process);
            }
            // Servers the JVM started may hold its output open a little longer; do not wait for them.
            stdout.join(GRACE.toMillis());
            stderr.join(GRACE.toMillis());
            return new Ending(!finished, finished ? process.exitValue() : -1, List.copyOf(events), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new GradingException("interrupted while the tests ran", e);
        } finally {
            running.remove(process);
        }
    }

    static boolean isPrivate(String variable) {
        return variable.startsWith("GITHUB_") || variable.startsWith("ACTIONS_") || variable.startsWith("RUNNER_")
                || variable.endsWith("_TOKEN") || variable.endsWith("_SECRET") || variable.endsWith("_PASSWORD");
    }

    /** Longest line kept whole; a longer one (output without line breaks) is cut into pieces. */
    private static final int LONGEST_LINE = 1 << 20;

    private static Thread drain(java.io.InputStream stream, java.util.function.Consumer<String> lines) {
        Thread reader = new Thread(() -> {
            try (var in = new java.io.InputStreamReader(stream, StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                char[] buffer = new char[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n' || line.length() >= LONGEST_LINE) {
                            lines.accept(line.toString());
                            line.setLength(0);
                        }
                        if (buffer[i] != '\n') {
                            line.append(buffer[i]);
                        }
                    }
                }
                if (line.length() > 0) {
                    lines.accept(line.toString());
                }
            } catch (IOException e) {
                // The JVM is gone; what was read is what there is.
            }
        }, "test-jvm-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
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

}
