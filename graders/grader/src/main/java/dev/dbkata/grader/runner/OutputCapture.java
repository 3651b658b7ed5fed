package dev.dbkata.grader.runner;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps what tests print (stdout and stderr) per test, up to a limit, and passes all of it on to
 * the JVM's standard error: standard output belongs to the {@link EventLog}. Tests of one
 * exercise run one after another, so one buffer serves.
 */
final class OutputCapture {

    private static final int LIMIT = 4_000;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    void install() {
        PrintStream stderr = System.err;
        System.setOut(tee(stderr));
        System.setErr(tee(stderr));
    }

    /** What was printed since the last call, at most {@value #LIMIT} bytes. */
    synchronized String take() {
        String text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        return text;
    }

    private PrintStream tee(PrintStream original) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                keep(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                keep(bytes, offset, length);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }

    private synchronized void keep(byte[] bytes, int offset, int length) {
        int room = LIMIT - buffer.size();
        if (room > 0) {
            buffer.write(bytes, offset, Math.min(room, length));
        }
    }
}
