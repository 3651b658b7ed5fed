package dev.dbkata.grader.runner;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs an exercise's tests in this JVM, as {@link ExerciseRunner} does in a JVM of its own, for
 * {@code kata test} and {@code kata watch} on the learner's own machine: the same launcher
 * settings, the same events, one JVM start less. The test classes (and the learner's) come from
 * {@code loader}, a class loader made for this run; the libraries, the testkit and its servers
 * stay in the caller's, so that they outlive the run.
 *
 * <p>Not for grading: code under test shares this JVM and could reach everything in it.
 */
public final class InProcessRunner {

    private InProcessRunner() {
    }

    /**
     * @param loader      loads the test classes and the code under test; the thread's context
     *                    class loader while the tests run
     * @param only        the test classes to run (with their nested classes); empty: every test
     *                    class under {@code testClasses}
     * @param events      receives each event line ({@code discovered}, {@code started},
     *                    {@code finished}, {@code done}) as JSON, as it happens
     * @param testsOutput where what the tests print goes while they run (standard output and
     *                    error both point there meanwhile); each {@code finished} event also
     *                    carries its test's share
     */
    public static void run(ClassLoader loader, Path testClasses, int secondsPerTest, List<String> only,
            Consumer<String> events, PrintStream testsOutput) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        String secret = Long.toHexString(System.nanoTime());
        EventLog log = new EventLog(new PrintStream(new Lines(line -> {
            if (line.startsWith(secret + " ")) {
                events.accept(line.substring(secret.length() + 1));
            }
        }), true, StandardCharsets.UTF_8), secret);
        System.setErr(testsOutput);
        thread.setContextClassLoader(loader);
        try {
            ExerciseRunner.run(log, testClasses, secondsPerTest, only);
        } finally {
            thread.setContextClassLoader(context);
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Hands each line written to it, decoded as UTF-8, to a consumer. */
    private static final class Lines extends OutputStream {

        private final Consumer<String> consumer;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(Consumer<String> consumer) {
            this.consumer = consumer;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                consumer.accept(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }
    }
}
