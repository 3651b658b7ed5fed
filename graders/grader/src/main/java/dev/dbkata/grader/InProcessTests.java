package dev.dbkata.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.dbkata.grader.runner.InProcessRunner;

/**
 * Runs a built exercise's tests in this JVM ({@link InProcessRunner}): the test classes and the
 * learner's code in a class loader of their own, made for this run and dropped after it, so that
 * the next run sees the code as it is now; the libraries, the testkit and the servers it keeps stay
 * loaded. Reports each test as it finishes, and how long the tests themselves took.
 */
final class InProcessTests {

    /**
     * @param outcomes     one per test, in the order they were found
     * @param completed    the run got to its end
     * @param testsMillis  the tests' own time: from the first test class starting (its servers
     *                     included) to the last test finishing; what the kata adds is the rest
     * @param problem      why the run stopped early, or null
     */
    record Run(List<TestOutcome> outcomes, boolean completed, long testsMillis, String problem) {
    }

    /** Marks outcomes of tests that did not finish (yet): compared by identity. */
    private static final String UNFINISHED = new String("the run stopped before this test finished");

    private InProcessTests() {
    }

    /**
     * @param only        the test classes to run; empty: all of them
     * @param finished    called with each test's outcome as soon as it finishes
     * @param testsOutput where the tests' printing goes while they run
     */
    static Run run(LearnerBuild.Built built, List<String> only, Duration perTest, Consumer<TestOutcome> finished,
            PrintStream testsOutput) {
        List<String> events = new ArrayList<>();
        long[] executionStart = {0};
        long[] executionEnd = {0};
        List<Boolean> reported = new ArrayList<>();
        Consumer<String> onEvent = line -> {
            long now = System.nanoTime();
            boolean discovery = line.startsWith("{\"event\":\"discovered\"");
            synchronized (events) {
                if (discovery && executionEnd[0] == 0) {
                    executionStart[0] = now;
                }
                if (!discovery) {
                    executionEnd[0] = now;
                }
                events.add(line);
                if (line.startsWith("{\"event\":\"finished\"")) {
                    List<TestOutcome> sofar = RunEvents.read(events, TaskStatus.ERROR, UNFINISHED).outcomes();
                    for (int i = 0; i < sofar.size(); i++) {
                        if (i >= reported.size()) {
                            reported.add(false);
                        }
                        if (!reported.get(i) && sofar.get(i).message() != UNFINISHED) {
                            reported.set(i, true);
                            finished.accept(sofar.get(i));
                        }
                    }
                }
            }
        };
        String problem = null;
        try (URLClassLoader loader = new URLClassLoader("kata-run", new URL[] {url(built.testClasses()), url(built.classes())},
                InProcessTests.class.getClassLoader())) {
            InProcessRunner.run(loader, built.testClasses(), (int) Math.max(1, perTest.toSeconds()), only, onEvent,
                    testsOutput);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | LinkageError e) {
            // JUnit itself failed (a test class that cannot be loaded at all, say): the tests say no more.
            problem = "error: the tests could not run: " + e;
        }
        synchronized (events) {
            RunEvents.Run run = RunEvents.read(events, TaskStatus.ERROR,
                    problem != null ? problem : "error: the run ended before this test finished");
            long testsNanos = executionStart[0] == 0 ? 0 : Math.max(0, executionEnd[0] - executionStart[0]);
            return new Run(run.outcomes(), run.completed(), testsNanos / 1_000_000, problem);
        }
    }

    private static URL url(java.nio.file.Path folder) {
        try {
            return folder.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(folder.toString(), e);
        }
    }
}
