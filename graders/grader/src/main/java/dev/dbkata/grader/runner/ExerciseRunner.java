package dev.dbkata.grader.runner;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one exercise's tests inside its own JVM and writes every step to an {@link EventLog}:
 * first the tests it found ({@code discovered}), then each result ({@code finished}), then
 * {@code done}. The grader reads the log; a log without {@code done} means the JVM ended early.
 *
 * <p>Arguments: the compiled test classes, the limit per test in seconds and, optionally, the
 * test classes to run (comma-separated; their nested classes run with them) instead of every test
 * class found; standard input carries the grader's secret for the event log.
 * Tests run in a thread of their own ({@code SEPARATE_THREAD}), so a test that loops forever is
 * failed at its limit and the others still run.
 */
public final class ExerciseRunner {

    /** The testkit's configuration parameter: whether it prints a failing test's observed SQL. */
    static final String OBSERVED_PRINT = "dbkata.observed.print";
    /** The keys of the testkit's report entry: {@code count}, then {@code N.node}, {@code N.role}, {@code N.sql}. */
    static final String OBSERVED_PREFIX = "dbkata.observed.";
    /**
     * The system property that ends the run at the first test failing a check ({@code kata
     * verify --mistakes}: a mistake is caught by then); the tests not run yet are reported skipped.
     */
    public static final String STOP_AT_FIRST_FAILED_CHECK = "kata.stopAtFirstFailedCheck";

    private ExerciseRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: ExerciseRunner TEST-CLASSES SECONDS-PER-TEST [CLASS,CLASS...]"
                    + " (and the grader's secret on stdin)");
            System.exit(2);
        }
        // Read before any test code runs, and kept only here: the secret that marks real events.
        String secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (secret == null || secret.isBlank()) {
            System.err.println("ExerciseRunner: no secret on standard input; the grader starts this class");
            System.exit(2);
        }
        EventLog log = new EventLog(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
                secret);
        // The grader is this JVM's parent: if it goes (Ctrl-C, kill -9), there is nobody to report
        // to, so stop too; the shutdown hooks still stop the database servers.
        ProcessHandle.current().parent().ifPresent(grader -> grader.onExit().thenRun(() -> System.exit(3)));
        List<String> only = args.length == 3 ? Arrays.stream(args[2].split(",")).filter(c -> !c.isBlank()).toList()
                : List.of();
        // Read before any test code runs: the code under test cannot turn it on.
        boolean stopAtFirstFailedCheck = Boolean.getBoolean(STOP_AT_FIRST_FAILED_CHECK);
        int code = run(log, Path.of(args[0]), Integer.parseInt(args[1]), only, stopAtFirstFailedCheck);
        // Exits even when a timed-out test's thread is still spinning; shutdown hooks stop servers.
        System.exit(code);
    }

    static int run(EventLog log, Path testClasses, int secondsPerTest) {
        return run(log, testClasses, secondsPerTest, List.of(), false);
    }

    /** @param only the test classes to run (with their nested classes); empty: every test class found */
    static int run(EventLog log, Path testClasses, int secondsPerTest, List<String> only) {
        return run(log, testClasses, secondsPerTest, only, false);
    }

    /**
     * @param only                   the test classes to run (with their nested classes); empty: every test class found
     * @param stopAtFirstFailedCheck end the JVM once a test failed a check, the others reported skipped
     */
    static int run(EventLog log, Path testClasses, int secondsPerTest, List<String> only,
            boolean stopAtFirstFailedCheck) {
        List<? extends DiscoverySelector> selectors = only.isEmpty() ? selectClasspathRoots(Set.of(testClasses))
                : only.stream().map(name -> selectClass(name)).toList();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameters(Map.of(
                        "junit.jupiter.execution.timeout.default", secondsPerTest + " s",
                        "junit.jupiter.execution.timeout.mode", "enabled",
                        "junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD",
                        "junit.jupiter.execution.parallel.enabled", "false",
                        "junit.jupiter.extensions.autodetection.enabled", "false",
                        // The testkit prints a failing test's observed SQL for Maven users; here it
                        // travels in the finished event instead.
                        OBSERVED_PRINT, "false"))
                .build();
        Launcher launcher = LauncherFactory.create();
        TestPlan plan = launcher.discover(request);
        for (TestIdentifier root : plan.getRoots()) {
            plan.getDescendants(root).stream().filter(TestIdentifier::isTest).forEach(test -> discovered(log, test));
        }
        OutputCapture output = new OutputCapture();
        output.install();
        launcher.execute(plan, new Listener(log, output, stopAtFirstFailedCheck));
        log.write("done");
        return 0;
    }

    private static void discovered(EventLog log, TestIdentifier test) {
        log.write("discovered", "id", test.getUniqueId(), "class", className(test), "name", test.getDisplayName(),
                "method", test.getSource().filter(MethodSource.class::isInstance)
                        .map(s -> ((MethodSource) s).getMethodName()).orElse(""));
    }

    private static String className(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource method) {
            return method.getClassName();
        }
        if (source instanceof ClassSource type) {
            return type.getClassName();
        }
        return "";
    }

    /** Turns JUnit's events into log lines; fails or skips what a failed container never ran. */
    private static final class Listener implements TestExecutionListener {

        private final EventLog log;
        private final OutputCapture output;
        private final Set<String> finished = new HashSet<>();
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private final Map<String, List<Map<String, String>>> observed = new ConcurrentHashMap<>();
        private final boolean stopAtFirstFailedCheck;
        private TestPlan plan;

        Listener(EventLog log, OutputCapture output, boolean stopAtFirstFailedCheck) {
            this.log = log;
            this.output = output;
            this.stopAtFirstFailedCheck = stopAtFirstFailedCheck;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
        }

        @Override
        public void dynamicTestRegistered(TestIdentifier test) {
            if (test.isTest()) {
                discovered(log, test);
            }
        }

        @Override
        public void executionStarted(TestIdentifier test) {
            started.put(test.getUniqueId(), System.nanoTime());
            if (test.isTest()) {
                output.take();
                log.write("started", "id", test.getUniqueId());
            }
        }

        /** The testkit's entry for a failing test: the SQL the learner's code sent, kept for its finished event. */
        @Override
        public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
            List<Map<String, String>> statements = observed(entry.getKeyValuePairs());
            if (!statements.isEmpty()) {
                observed.put(test.getUniqueId(), statements);
            }
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            finishAll(test, "skipped", "disabled: " + reason, null);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            String status;
            String message = null;
            String cause = null;
            switch (result.getStatus()) {
                case SUCCESSFUL -> status = "passed";
                case ABORTED -> {
                    status = "skipped";
                    message = result.getThrowable().map(FailureKind::message).orElse("aborted");
                }
                default -> {
                    Throwable failure = result.getThrowable().orElse(null);
                    status = failure == null ? "failed" : FailureKind.of(failure);
                    message = failure == null ? "failed" : FailureKind.message(failure);
                    cause = failure == null || !"failed".equals(status) ? null : FailureKind.cause(failure);
                }
            }
            if (test.isTest()) {
                finish(test, status, message, cause);
                if (stopAtFirstFailedCheck && "failed".equals(status) && "check".equals(cause)) {
                    stopHere();
                }
            } else if (!"passed".equals(status)) {
                // A class whose set-up failed never ran its tests: they share its fate.
                finishAll(test, status, message, cause);
            }
        }

        /**
         * Reports every test not run yet as skipped, ends the log and the JVM: its shutdown hooks
         * stop the servers, as at the end of any run.
         */
        private void stopHere() {
            for (TestIdentifier root : plan.getRoots()) {
                plan.getDescendants(root).stream().filter(TestIdentifier::isTest).forEach(rest -> finish(rest, "skipped",
                        "not run: an earlier test already failed a check (kata verify --mistakes stops there)", null));
            }
            log.write("done");
            System.exit(0);
        }

        private void finishAll(TestIdentifier container, String status, String message, String cause) {
            if (container.isTest()) {
                finish(container, status, message, cause);
                return;
            }
            plan.getDescendants(container).stream().filter(TestIdentifier::isTest)
                    .forEach(test -> finish(test, status, message, cause));
        }

        private void finish(TestIdentifier test, String status, String message, String cause) {
            if (!finished.add(test.getUniqueId())) {
                return;
            }
            Long start = started.get(test.getUniqueId());
            long millis = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
            log.write("finished", "id", test.getUniqueId(), "status", status, "message", message,
                    "cause", cause,
                    "durationMs", millis, "output", output.take(), "observed", observed.remove(test.getUniqueId()));
        }
    }

    /**
     * The statements of the testkit's report entry ({@code dbkata.observed.count}, then
     * {@code dbkata.observed.N.node/role/sql}), as maps with those three keys; empty for any
     * other entry. A statement with a missing field is skipped.
     */
    static List<Map<String, String>> observed(Map<String, String> entry) {
        String count = entry.get(OBSERVED_PREFIX + "count");
        if (count == null) {
            return List.of();
        }
        int n;
        try {
            n = Integer.parseInt(count.trim());
        } catch (NumberFormatException e) {
            return List.of();
        }
        List<Map<String, String>> statements = new java.util.ArrayList<>();
        for (int i = 1; i <= n && i <= 1_000; i++) {
            String node = entry.get(OBSERVED_PREFIX + i + ".node");
            String role = entry.get(OBSERVED_PREFIX + i + ".role");
            String sql = entry.get(OBSERVED_PREFIX + i + ".sql");
            if (node != null && role != null && sql != null) {
                Map<String, String> statement = new java.util.LinkedHashMap<>();
                statement.put("node", node);
                statement.put("role", role);
                statement.put("sql", sql);
                statements.add(statement);
            }
        }
        return statements;
    }
}
