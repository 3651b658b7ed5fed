package dev.dbkata.warehouse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the text that PostgreSQL's {@code test_decoding} output plugin writes for each message of a
 * logical replication slot. Given: the lesson is what a consumer does with the changes, not how the
 * text is quoted.
 *
 * <p>The plugin writes, one message each:
 * <pre>
 * BEGIN 771
 * table public.customers: INSERT: customer_id[bigint]:1 name[text]:'Ann' country[text]:'DE' plan_id[integer]:2
 * table public.customers: UPDATE: customer_id[bigint]:1 name[text]:'Ann' country[text]:'FR' plan_id[integer]:2
 * table public.customers: UPDATE: old-key: customer_id[bigint]:1 ... new-tuple: customer_id[bigint]:1 ...
 * table public.customers: DELETE: customer_id[bigint]:1
 * COMMIT 771
 * </pre>
 * (the numbers after BEGIN and COMMIT are transaction ids, printed unless the slot option
 * {@code include-xids} is off). Text values are single-quoted with {@code ''} for a quote; SQL NULL is
 * {@code null}; a TOASTed value that did not change is {@code unchanged-toast-datum}.
 */
public final class TestDecoding {

    private TestDecoding() {
    }

    /**
     * Parses one message.
     *
     * @throws IllegalArgumentException when {@code message} is not in the plugin's format
     */
    public static Change parse(String message) {
        if (message.equals("BEGIN") || message.startsWith("BEGIN ")) {
            return new Change(Change.Kind.BEGIN, null, null, null);
        }
        if (message.equals("COMMIT") || message.startsWith("COMMIT ")) {
            return new Change(Change.Kind.COMMIT, null, null, null);
        }
        if (!message.startsWith("table ")) {
            return new Change(Change.Kind.OTHER, null, null, null);
        }
        int colon = message.indexOf(": ", 6);
        if (colon < 0) {
            throw new IllegalArgumentException("Not a test_decoding row change: " + message);
        }
        String table = unquoteIdentifier(message.substring(6, colon));
        String rest = message.substring(colon + 2);
        int kindEnd = rest.indexOf(':');
        if (kindEnd < 0) {
            throw new IllegalArgumentException("Not a test_decoding row change: " + message);
        }
        Change.Kind kind;
        try {
            kind = Change.Kind.valueOf(rest.substring(0, kindEnd));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown change kind in: " + message, e);
        }
        String body = rest.substring(kindEnd + 1).trim();
        Map<String, String> oldKey = new LinkedHashMap<>();
        Map<String, String> newRow = new LinkedHashMap<>();
        if (body.startsWith("(no-tuple data)")) {
            return new Change(kind, table, newRow, oldKey);
        }
        switch (kind) {
            case INSERT -> columns(body, newRow, message);
            case DELETE -> columns(body, oldKey, message);
            case UPDATE -> {
                if (body.startsWith("old-key:")) {
                    int newTuple = findOutsideQuotes(body, "new-tuple:");
                    if (newTuple < 0) {
                        throw new IllegalArgumentException("UPDATE with old-key but no new-tuple: " + message);
                    }
                    columns(body.substring("old-key:".length(), newTuple).trim(), oldKey, message);
                    columns(body.substring(newTuple + "new-tuple:".length()).trim(), newRow, message);
                } else {
                    columns(body, newRow, message);
                }
            }
            default -> throw new IllegalArgumentException("Unexpected change kind in: " + message);
        }
        return new Change(kind, table, newRow, oldKey);
    }

    /** Reads {@code name[type]:value name[type]:value ...} into {@code into}. */
    private static void columns(String text, Map<String, String> into, String message) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            int bracket = text.indexOf('[', i);
            if (bracket < 0) {
                throw new IllegalArgumentException("Expected name[type]:value at " + i + " in: " + message);
            }
            String name = unquoteIdentifier(text.substring(i, bracket));
            int close = text.indexOf("]:", bracket);
            if (close < 0) {
                throw new IllegalArgumentException("Expected ]: after the type at " + bracket + " in: " + message);
            }
            i = close + 2;
            if (i < n && text.charAt(i) == '\'') {
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("Unterminated quoted value in: " + message);
                    }
                    char c = text.charAt(i);
                    if (c == '\'') {
                        if (i + 1 < n && text.charAt(i + 1) == '\'') {
                            value.append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.append(c);
                    i++;
                }
                into.put(name, value.toString());
            } else {
                int end = text.indexOf(' ', i);
                if (end < 0) {
                    end = n;
                }
                String raw = text.substring(i, end);
                into.put(name, raw.equals("null") ? null : raw);
                i = end;
            }
        }
    }

    private static int findOutsideQuotes(String text, String needle) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && text.startsWith(needle, i)) {
                return i;
            }
        }
        return -1;
    }

    private static String unquoteIdentifier(String identifier) {
        return identifier.replace("\"", "");
    }
}
