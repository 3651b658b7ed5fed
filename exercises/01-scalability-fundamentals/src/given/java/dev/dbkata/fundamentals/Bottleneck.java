package dev.dbkata.fundamentals;

import java.util.Objects;

/**
 * What holds the server back right now, and the evidence for it, as the server's own views show
 * it.
 *
 * @param kind     what kind of bottleneck it is
 * @param pid      the server process at the root of it: for {@link Kind#LOCK_CONTENTION} and
 *                 {@link Kind#IDLE_IN_TRANSACTION} the session that holds the lock others wait for
 *                 (and that waits for no one itself); {@code null} for the other kinds
 * @param query    the evidence in SQL: the blocking session's query as {@code pg_stat_activity}
 *                 shows it, or, for {@link Kind#MISSING_INDEX}, the statement as
 *                 {@code pg_stat_statements} shows it; {@code null} otherwise
 * @param table    for {@link Kind#MISSING_INDEX}, the table that statement scans from end to end;
 *                 {@code null} otherwise
 * @param sessions how many client sessions the evidence involves: those waiting behind the
 *                 blocker, or, for {@link Kind#CONNECTION_EXHAUSTION}, those connected; 0 otherwise
 * @param summary  one sentence for a human, naming the kind and the evidence
 */
public record Bottleneck(Kind kind, Integer pid, String query, String table, int sessions, String summary) {

    /** The bottlenecks a single PostgreSQL server meets first. */
    public enum Kind {
        /** Sessions wait for a lock held by a session that is busy running a statement. */
        LOCK_CONTENTION,
        /** Sessions wait for a lock held by a session that is idle inside an open transaction. */
        IDLE_IN_TRANSACTION,
        /** (Nearly) every connection slot open to ordinary roles is taken. */
        CONNECTION_EXHAUSTION,
        /** A frequent statement reads a whole table to find a few rows. */
        MISSING_INDEX,
        /** Nothing above. */
        NONE
    }

    public Bottleneck {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(summary, "summary");
    }
}
