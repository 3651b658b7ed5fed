package dev.dbkata.fundamentals;

import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Says what holds the server back right now, from what the server itself reports: the sessions
 * and their wait events ({@code pg_stat_activity}), who blocks whom ({@code pg_locks},
 * {@code pg_blocking_pids}), what ran and how much it read ({@code pg_stat_statements}), and how
 * tables are read ({@code pg_stat_user_tables}).
 *
 * <p>Timings are not evidence: a query that has run for a long time may block nobody, and a
 * session blocked a millisecond ago is blocked all the same. The diagnosis rests on who waits for
 * whom, in which state, and how many rows and blocks a statement reads.
 */
public final class BottleneckFinder {

    private final DataSource admin;

    /** @param admin connections as a superuser (they can see every session, even when ordinary slots are full) */
    public BottleneckFinder(DataSource admin) {
        this.admin = admin;
    }

    /**
     * Looks at the server once and names its bottleneck. When several apply, the first of:
     * <ol>
     *   <li>{@code CONNECTION_EXHAUSTION}: the client sessions fill every slot that ordinary roles
     *       may use, or all but one ({@code max_connections} minus the reserved slots);
     *       {@code sessions} is the number of client sessions;</li>
     *   <li>{@code IDLE_IN_TRANSACTION}: some session waits for a lock, and the session at the
     *       root of its wait (blocking others, waiting for no one) is idle in an open
     *       transaction; {@code pid} and {@code query} are that session's;</li>
     *   <li>{@code LOCK_CONTENTION}: some session waits for a lock held by a session that is busy;
     *       {@code pid} and {@code query} are those of the root blocker, {@code sessions} the
     *       number of sessions waiting behind it, directly or not;</li>
     *   <li>{@code MISSING_INDEX}: a statement that ran again and again read a table sequentially,
     *       many rows per call; {@code query} is that statement as {@code pg_stat_statements}
     *       shows it, {@code table} the table it scanned;</li>
     *   <li>{@code NONE}.</li>
     * </ol>
     * Reads only the server's statistics views and catalogs; changes nothing.
     */
    public Bottleneck diagnose() throws SQLException {
        throw new UnsupportedOperationException("TODO(find-the-bottleneck): read pg_stat_activity, pg_blocking_pids,"
                + " pg_stat_statements and pg_stat_user_tables, and name the bottleneck with its evidence");
    }
}
