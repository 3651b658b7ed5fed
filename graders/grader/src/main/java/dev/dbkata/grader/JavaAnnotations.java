package dev.dbkata.grader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds an annotation in Java source and reads its literal attributes. Enough Java for what the
 * kata's tests write ({@code @Task(id = "x", title = "y", level = Level.ADVANCED, points = 3)}):
 * comments are skipped, string literals understood, values are strings, numbers or names.
 */
final class JavaAnnotations {

    private JavaAnnotations() {
    }

    /** The source without comments; string and character literals are kept as they are. */
    static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '"' || c == '\'') {
                int end = endOfLiteral(source, i);
                out.append(source, i, end);
                i = end;
            } else if (source.startsWith("//", i)) {
                while (i < source.length() && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * The attributes of the first {@code @name(...)} in {@code source} (comments already removed),
     * or empty when there is none.
     */
    static Optional<Map<String, String>> find(String source, String name) {
        java.util.regex.Matcher start = java.util.regex.Pattern.compile("@(?:[\\w.]+\\.)?" + name + "\\s*\\(").matcher(source);
        if (!start.find()) {
            return Optional.empty();
        }
        int i = start.end();
        Map<String, String> attributes = new LinkedHashMap<>();
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '"') {
                int end = endOfLiteral(source, i);
                value.append(unescape(source.substring(i + 1, end - 1)));
                i = end;
                continue;
            }
            if (c == ')' || c == ',') {
                if (key.length() > 0) {
                    attributes.put(key.toString().trim(), value.toString().trim());
                }
                key.setLength(0);
                value.setLength(0);
                inValue = false;
                if (c == ')') {
                    return Optional.of(attributes);
                }
            } else if (c == '=' && !inValue) {
                inValue = true;
            } else if (inValue) {
                if (c != '+' || value.length() == 0) {
                    value.append(Character.isWhitespace(c) ? "" : String.valueOf(c));
                }
            } else {
                key.append(c);
            }
            i++;
        }
        return Optional.of(attributes);
    }

    /** The value of a name such as {@code Level.ADVANCED}: {@code ADVANCED}. */
    static String simpleName(String value) {
        return value.substring(value.lastIndexOf('.') + 1);
    }

    private static int endOfLiteral(String source, int start) {
        char quote = source.charAt(start);
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                return i + 1;
            }
            i++;
        }
        return source.length();
    }

    private static String unescape(String literal) {
        StringBuilder out = new StringBuilder(literal.length());
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\' && i + 1 < literal.length()) {
                char next = literal.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
