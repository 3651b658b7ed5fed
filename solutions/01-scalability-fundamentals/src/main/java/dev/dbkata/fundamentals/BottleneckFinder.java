package dev.dbkata.fundamentals;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * A diagnosis from the server's own views: who waits for whom, in which state, and what reads
 * whole tables. No timing enters it.
 */
public final class BottleneckFinder {

    /** A statement counts as busy from this many calls on. */
    static final long BUSY_CALLS = 10;
    /** A sequential scan that reads this many rows on average reads far more than a lookup needs. */
    static final long ROWS_PER_SCAN = 1_000;

    private final DataSource admin;

    public BottleneckFinder(DataSource admin) {
        this.admin = admin;
    }

    public Bottleneck diagnose() throws SQLException {
        try (Connection c = admin.getConnection()) {
            Bottleneck found = connectionExhaustion(c);
            if (found == null) {
                found = lockWaits(c);
            }
            if (found == null) {
                found = missingIndex(c);
            }
            return found != null ? found
                    : new Bottleneck(Bottleneck.Kind.NONE, null, null, null, 0, "nothing waits, slots are free, no busy"
                    + " statement scans a table");
        }
    }

    /** Client sessions against the slots ordinary roles may use (the superuser slots are for us). */
    private static Bottleneck connectionExhaustion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int,"
                     + " current_setting('superuser_reserved_connections')::int + current_setting('reserved_connections')::int,"
                     + " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                     + "  AND pid <> pg_backend_pid())")) {
            rs.next();
            int max = rs.getInt(1);
            int reserved = rs.getInt(2);
            int sessions = rs.getInt(3);
            int ordinarySlots = max - reserved;
            if (sessions < ordinarySlots - 1) {
                return null;
            }
            return new Bottleneck(Bottleneck.Kind.CONNECTION_EXHAUSTION, null, null, null, sessions,
                    "connection exhaustion: " + sessions + " client sessions for " + ordinarySlots
                            + " ordinary slots (max_connections = " + max + ", " + reserved + " reserved)");
        }
    }

    /** Follows pg_blocking_pids from every waiter up to the session that waits for no one. */
    private static Bottleneck lockWaits(Connection c) throws SQLException {
        Map<Integer, Set<Integer>> blockersOf = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid, pg_blocking_pids(pid) FROM pg_stat_activity"
                     + " WHERE wait_event_type = 'Lock'")) {
            while (rs.next()) {
                Array blockers = rs.getArray(2);
                Set<Integer> set = new HashSet<>();
                for (Integer pid : (Integer[]) blockers.getArray()) {
                    set.add(pid);
                }
                if (!set.isEmpty()) {
                    blockersOf.put(rs.getInt(1), set);
                }
            }
        }
        if (blockersOf.isEmpty()) {
            return null;
        }
        // Root blockers: reached from a waiter, waiting for no one themselves.
        Map<Integer, Set<Integer>> waitersBehind = new LinkedHashMap<>();
        for (Integer waiter : blockersOf.keySet()) {
            Deque<Integer> todo = new ArrayDeque<>(blockersOf.get(waiter));
            Set<Integer> seen = new HashSet<>();
            while (!todo.isEmpty()) {
                Integer pid = todo.pop();
                if (!seen.add(pid)) {
                    continue;
                }
                Set<Integer> up = blockersOf.get(pid);
                if (up == null) {
                    waitersBehind.computeIfAbsent(pid, k -> new HashSet<>()).add(waiter);
                } else {
                    todo.addAll(up);
                }
            }
        }
        Map<Integer, String[]> sessions = describe(c, List.copyOf(waitersBehind.keySet()));
        Integer chosen = null;
        boolean chosenIdle = false;
        for (Map.Entry<Integer, Set<Integer>> root : waitersBehind.entrySet()) {
            String[] session = sessions.get(root.getKey());
            if (session == null) {
                continue; // it ended meanwhile
            }
            boolean idle = session[0] != null && session[0].startsWith("idle in transaction");
            boolean better = chosen == null
                    || (idle && !chosenIdle)
                    || (idle == chosenIdle && root.getValue().size() > waitersBehind.get(chosen).size());
            if (better) {
                chosen = root.getKey();
                chosenIdle = idle;
            }
        }
        if (chosen == null) {
            return null;
        }
        String[] session = sessions.get(chosen);
        int waiting = waitersBehind.get(chosen).size();
        if (chosenIdle) {
            return new Bottleneck(Bottleneck.Kind.IDLE_IN_TRANSACTION, chosen, session[1], null, waiting,
                    "pid " + chosen + " is " + session[0] + " and holds locks that " + waiting
                            + " session(s) wait for; its last statement: " + session[1]);
        }
        return new Bottleneck(Bottleneck.Kind.LOCK_CONTENTION, chosen, session[1], null, waiting,
                "lock contention: " + waiting + " session(s) wait for locks held by pid " + chosen + " ("
                        + session[0] + ") running: " + session[1]);
    }

    /** State and query of each pid, from pg_stat_activity. */
    private static Map<Integer, String[]> describe(Connection c, List<Integer> pids) throws SQLException {
        Map<Integer, String[]> found = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT pid, state, query FROM pg_stat_activity WHERE pid = ANY (?)")) {
            s.setArray(1, c.createArrayOf("int4", pids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        return found;
    }

    /**
     * The table read most by sequential scans that each read many rows, and the busy statement
     * on it that touched the most blocks per call.
     */
    private static Bottleneck missingIndex(Connection c) throws SQLException {
        String table = null;
        long scans = 0;
        long rowsRead = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables"
                + " WHERE seq_scan >= ? AND seq_tup_read / seq_scan >= ? ORDER BY seq_tup_read DESC LIMIT 1")) {
            s.setLong(1, BUSY_CALLS);
            s.setLong(2, ROWS_PER_SCAN);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                table = rs.getString(1);
                scans = rs.getLong(2);
                rowsRead = rs.getLong(3);
            }
        }
        Pattern mentions = Pattern.compile("\\b" + Pattern.quote(table) + "\\b", Pattern.CASE_INSENSITIVE);
        String statement = null;
        long calls = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT query, calls FROM pg_stat_statements"
                + " WHERE calls >= ? AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " ORDER BY (shared_blks_hit + shared_blks_read) / calls DESC")) {
            s.setLong(1, BUSY_CALLS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String query = rs.getString(1);
                    if (mentions.matcher(query).find() && !query.contains("pg_stat_")) {
                        statement = query;
                        calls = rs.getLong(2);
                        break;
                    }
                }
            }
        }
        if (statement == null) {
            return null;
        }
        return new Bottleneck(Bottleneck.Kind.MISSING_INDEX, null, statement, table, 0,
                "missing index: " + table + " was read by " + scans + " sequential scans, " + (rowsRead / scans)
                        + " rows each; the busiest statement on it (" + calls + " calls): " + statement);
    }
}
