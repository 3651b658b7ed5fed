package dev.dbkata.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dbkata.testkit.backend.PostgresConfig;

/**
 * Reads the statements clients sent out of a PostgreSQL log written with
 * {@code log_statement = all} and the kata's {@link PostgresConfig#LOG_LINE_PREFIX}.
 *
 * <p>A simple query is logged as {@code LOG:  statement: SQL}; a prepared one (what pgjdbc sends
 * for a {@code PreparedStatement}, and for any statement once it ran a few times) as
 * {@code LOG:  execute <unnamed>: SQL} or {@code execute S_1: SQL}, its parameters on the next
 * line of the same session, {@code DETAIL:  Parameters: $1 = '7'}. A statement that failed is
 * followed by the session's {@code ERROR:} line. The lines of a multi-line message after the
 * first begin with a tab. Lines of background processes carry no application name, and the
 * testkit's own sessions carry {@link PostgresConfig#TESTKIT_APPLICATION}: both are left out.
 */
final class StatementLog {

    /** One statement: when (the log's millisecond time, which sorts as text), from which session, and its text. */
    record Logged(String time, String application, String sql) {
    }

    /** Longer statements are cut, so that a bulk insert does not flood a report. */
    static final int MAX_STATEMENT_CHARS = 1_000;

    private static final Pattern LINE = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\S+) \\[(\\d+)\\] (?:app=(.*?): )?([A-Z]+\\d?):  (.*)$");
    /** What pgjdbc sends by itself on connecting, when it cannot pass the setting at start-up. */
    private static final Pattern DRIVER_SET_UP = Pattern.compile("(?i)SET (application_name|extra_float_digits) = .*");
    private static final Pattern EXECUTE = Pattern.compile("^execute (?:fetch from )?[^:\\s]+: ", Pattern.DOTALL);

    private StatementLog() {
    }

    /** The statements of client sessions other than the testkit's, in the order the log has them. */
    static List<Logged> parse(String log) {
        List<Entry> entries = entries(log);
        List<Logged> statements = new ArrayList<>();
        // Per session (pid): the index of its last statement, for its parameters and its error.
        Map<String, Integer> lastOfSession = new HashMap<>();
        Map<Integer, StringBuilder> notes = new HashMap<>();
        for (int e = 0; e < entries.size(); e++) {
            Entry entry = entries.get(e);
            if (entry.application == null || entry.application.equals(PostgresConfig.TESTKIT_APPLICATION)) {
                continue;
            }
            String sql = statementText(entry);
            if (sql != null) {
                lastOfSession.remove(entry.pid);
                if (sql.isBlank() || DRIVER_SET_UP.matcher(sql).matches()) {
                    continue;
                }
                lastOfSession.put(entry.pid, statements.size());
                statements.add(new Logged(entry.time, entry.application, cut(sql.strip())));
                continue;
            }
            Integer last = lastOfSession.get(entry.pid);
            if (entry.level.equals("DETAIL") && entry.message.startsWith("Parameters: ") && last != null) {
                note(notes, last, "-- parameters: " + cut(entry.message.substring("Parameters: ".length())));
            } else if (entry.level.equals("ERROR") || entry.level.equals("FATAL")) {
                String failed = "-- failed: " + entry.level + ": " + firstLine(entry.message);
                String statement = failedStatement(entries, e);
                if (statement != null && (last == null || !statements.get(last).sql().equals(cut(statement.strip())))) {
                    // Refused before it ran (a prepared statement that did not parse): never logged as a statement.
                    note(notes, statements.size(), failed);
                    statements.add(new Logged(entry.time, entry.application, cut(statement.strip())));
                } else if (last != null) {
                    note(notes, last, failed);
                }
                lastOfSession.remove(entry.pid);
            }
        }
        notes.forEach((index, note) -> {
            Logged s = statements.get(index);
            statements.set(index, new Logged(s.time(), s.application(), s.sql() + note));
        });
        return statements;
    }

    private static void note(Map<Integer, StringBuilder> notes, int index, String note) {
        notes.computeIfAbsent(index, i -> new StringBuilder()).append('\n').append(note);
    }

    /**
     * The {@code STATEMENT:} line that follows an error: PostgreSQL writes an error's lines
     * (DETAIL, HINT, CONTEXT, STATEMENT) together, right after it.
     */
    private static String failedStatement(List<Entry> entries, int error) {
        String pid = entries.get(error).pid;
        for (int i = error + 1; i < entries.size() && entries.get(i).pid.equals(pid); i++) {
            switch (entries.get(i).level) {
                case "STATEMENT" -> {
                    return entries.get(i).message;
                }
                case "DETAIL", "HINT", "CONTEXT", "QUERY" -> {
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** The SQL of a statement line, or null when the entry logs something else. */
    private static String statementText(Entry entry) {
        if (!entry.level.equals("LOG")) {
            return null;
        }
        if (entry.message.startsWith("statement: ")) {
            return entry.message.substring("statement: ".length());
        }
        Matcher execute = EXECUTE.matcher(entry.message);
        return execute.find() ? entry.message.substring(execute.end()) : null;
    }

    private static String cut(String text) {
        return text.length() <= MAX_STATEMENT_CHARS ? text
                : text.substring(0, MAX_STATEMENT_CHARS) + " ... (" + (text.length() - MAX_STATEMENT_CHARS) + " more characters)";
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** One log message: its first line's prefix and the whole message, continuation lines joined. */
    private record Entry(String time, String pid, String application, String level, String message) {
    }

    private static List<Entry> entries(String log) {
        List<Entry> entries = new ArrayList<>();
        String time = null;
        String pid = null;
        String application = null;
        String level = null;
        StringBuilder message = null;
        for (String line : log.split("\n")) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.startsWith("\t")) {
                if (message != null) {
                    message.append('\n').append(line, 1, line.length());
                }
                continue;
            }
            if (message != null) {
                entries.add(new Entry(time, pid, application, level, message.toString()));
                message = null;
            }
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                time = m.group(1);
                pid = m.group(2);
                application = m.group(3);
                level = m.group(4);
                message = new StringBuilder(m.group(5));
            }
        }
        if (message != null) {
            entries.add(new Entry(time, pid, application, level, message.toString()));
        }
        return entries;
    }
}
