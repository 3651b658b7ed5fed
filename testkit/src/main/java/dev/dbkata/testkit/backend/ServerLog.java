package dev.dbkata.testkit.backend;

import java.time.Instant;

/**
 * What a server writes to its log, read from a mark on: how the testkit learns which statements a
 * test's code sent (PostgreSQL logs every statement, see {@link PostgresConfig}). Each backend
 * reads its servers' logs where they are: the embedded backend a file beside the data directory,
 * the docker backend the container's output. Both work whatever state the server is in (frozen,
 * crashed), because neither asks the server.
 */
public interface ServerLog {

    /** A log that has nothing to tell. */
    ServerLog NONE = new ServerLog() {
        @Override
        public Mark mark() {
            return new Mark(0, Instant.now());
        }

        @Override
        public String since(Mark mark, int maxBytes) {
            return "";
        }
    };

    /**
     * A place in the log: how long it was and when. A backend reads from whichever it can, the
     * embedded backend from the length, the docker backend from the time.
     */
    record Mark(long length, Instant time) {
    }

    /** Where the log ends now. Cheap: it does not talk to the server. */
    Mark mark();

    /**
     * The whole lines written after {@code mark}; when there are more than {@code maxBytes}, only
     * the latest that fit. Empty when the log cannot be read (the reason is not worth a failure).
     */
    String since(Mark mark, int maxBytes);
}
