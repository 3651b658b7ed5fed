package dev.dbkata.monitoring;

import java.time.Duration;
import java.util.Objects;

/**
 * A server session as {@code pg_stat_activity} shows it.
 *
 * @param pid            the backend's process id
 * @param state          {@code active}, {@code idle in transaction}, ...
 * @param lastQuery      the session's current query, or its last one when it is idle
 * @param transactionAge how long its transaction has been open ({@code now() - xact_start});
 *                       {@link Duration#ZERO} when it has none
 * @param waitEvent      what it waits for, as {@code wait_event_type:wait_event}, or {@code null}
 */
public record Session(int pid, String state, String lastQuery, Duration transactionAge, String waitEvent) {

    public Session {
        Objects.requireNonNull(transactionAge, "transactionAge");
    }
}
