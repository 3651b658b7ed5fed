package dev.dbkata.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.dbkata.testkit.backend.ServerLog;

/**
 * What the database saw during one test: per PostgreSQL node, the statements the test's code sent
 * (everything but the testkit's own sessions), read from the nodes' statement logs between a mark
 * taken when the test started and its end. Only the latest {@value #MAX_STATEMENTS} statements of
 * all nodes together are kept; for a node that sent more, a first line says how many were left out.
 * When some node saw statements, every node that saw none says so in one line, after the others.
 *
 * <p>The extension publishes them as a JUnit report entry (read by the grader's runner) and, for
 * a plain {@code mvn test}, prints them to standard error beside the failure.
 */
final class ObservedSql {

    static final int MAX_STATEMENTS = 30;
    /** How much of each node's log is read at most: the latest part, cut to whole lines. */
    static final int MAX_LOG_BYTES = 512 * 1024;
    /** The report entry's keys start with this; {@code dbkata.observed.count} says how many statements follow. */
    static final String ENTRY_PREFIX = "dbkata.observed.";
    /** The one line of a node that saw nothing from the code under test while another node did. */
    static final String NOTHING = "-- nothing from the code under test";

    /** One statement as the report shows it. */
    record Statement(String node, String role, String sql) {
    }

    private final List<Statement> statements;

    private ObservedSql(List<Statement> statements) {
        this.statements = List.copyOf(statements);
    }

    /** Where each node's log ends now. */
    static Map<PostgresNode, ServerLog.Mark> mark(List<PostgresNode> nodes) {
        Map<PostgresNode, ServerLog.Mark> marks = new LinkedHashMap<>();
        for (PostgresNode node : nodes) {
            try {
                marks.put(node, node.server().log().mark());
            } catch (RuntimeException unreadable) {
                // That node's statements will not be shown; the test is not the worse for it.
            }
        }
        return marks;
    }

    /** The statements logged since {@code marks}, the latest {@value #MAX_STATEMENTS} of all nodes. */
    static ObservedSql since(Map<PostgresNode, ServerLog.Mark> marks) {
        record Seen(int node, int order, String time, StatementLog.Logged logged) {
        }
        List<PostgresNode> nodes = new ArrayList<>(marks.keySet());
        List<Seen> all = new ArrayList<>();
        List<Integer> read = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            PostgresNode node = nodes.get(n);
            String log;
            try {
                log = node.server().log().since(marks.get(node), MAX_LOG_BYTES);
                read.add(n);
            } catch (RuntimeException unreadable) {
                continue;
            }
            List<StatementLog.Logged> logged = StatementLog.parse(log);
            for (int i = 0; i < logged.size(); i++) {
                all.add(new Seen(n, i, logged.get(i).time(), logged.get(i)));
            }
        }
        // The latest of all nodes: by the log's time (one clock for every node), then node, then order.
        all.sort(Comparator.comparing(Seen::time).thenComparingInt(Seen::node).thenComparingInt(Seen::order));
        List<Seen> kept = all.subList(Math.max(0, all.size() - MAX_STATEMENTS), all.size());
        List<Statement> statements = new ArrayList<>();
        List<Statement> quiet = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            int node = n;
            List<Seen> ofNode = kept.stream().filter(s -> s.node() == node)
                    .sorted(Comparator.comparingInt(Seen::order)).toList();
            long sent = all.stream().filter(s -> s.node() == node).count();
            String name = nodes.get(n).name();
            String role = nodes.get(n).role().name().toLowerCase(Locale.ROOT);
            if (sent == 0) {
                // Worth saying where a node was read: "replica1 saw nothing" is often the lesson.
                if (read.contains(n)) {
                    quiet.add(new Statement(name, role, NOTHING));
                }
                continue;
            }
            if (sent > ofNode.size()) {
                statements.add(new Statement(name, role, "-- " + (sent - ofNode.size()) + " earlier statement"
                        + (sent - ofNode.size() == 1 ? "" : "s") + " on " + name + " left out"));
            }
            ofNode.forEach(s -> statements.add(new Statement(name, role, s.logged().sql())));
        }
        if (!statements.isEmpty()) {
            statements.addAll(quiet);
        }
        return new ObservedSql(statements);
    }

    List<Statement> statements() {
        return statements;
    }

    boolean isEmpty() {
        return statements.isEmpty();
    }

    /** As a JUnit report entry: {@code dbkata.observed.count}, then {@code dbkata.observed.N.node/role/sql}, N from 1. */
    Map<String, String> asReportEntry() {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put(ENTRY_PREFIX + "count", Integer.toString(statements.size()));
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            entry.put(ENTRY_PREFIX + (i + 1) + ".node", s.node());
            entry.put(ENTRY_PREFIX + (i + 1) + ".role", s.role());
            entry.put(ENTRY_PREFIX + (i + 1) + ".sql", s.sql());
        }
        return entry;
    }

    /** For a person: a heading, then per node its statements, oldest first. */
    String describe(String test) {
        StringBuilder out = new StringBuilder("What the database saw during ").append(test)
                .append(" (the SQL the code under test sent, oldest first; the testkit's own left out):\n");
        String current = null;
        for (Statement s : statements) {
            if (!s.node().equals(current)) {
                current = s.node();
                out.append("  ").append(s.node()).append(" (").append(s.role()).append("):\n");
            }
            out.append("    ").append(s.sql().replace("\n", "\n    ")).append('\n');
        }
        return out.toString();
    }
}
