package dev.dbkata.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source of a test method, cut from its test class's source: its annotations, signature and
 * body, without the class's indentation (Exercism's {@code test_code}). Found by the method's name
 * in the class (inside the nested class for {@code Outer$Nested}); comments and string literals
 * are looked through, so a name or a brace inside them does not mislead it.
 */
final class TestCode {

    private final Path testSources;
    private final Map<String, Optional<String>> sources = new ConcurrentHashMap<>();

    /** @param testSources the exercise's {@code src/test/java} */
    TestCode(Path testSources) {
        this.testSources = testSources;
    }

    /** Every outcome with its test method's source, where it can be found. */
    List<TestOutcome> attach(List<TestOutcome> outcomes) {
        return outcomes.stream()
                .map(o -> o.method().isEmpty() ? o : of(o.className(), o.method()).map(o::withTestCode).orElse(o))
                .toList();
    }

    /** The method's source, or empty when the class or the method is not found. */
    Optional<String> of(String className, String method) {
        int nested = className.indexOf('$');
        String outer = nested < 0 ? className : className.substring(0, nested);
        Optional<String> source = sources.computeIfAbsent(outer, this::read);
        return source.flatMap(s -> method(s, nested < 0 ? List.of() : List.of(className.substring(nested + 1).split("\\$")),
                method));
    }

    private Optional<String> read(String outerClass) {
        Path file = testSources.resolve(outerClass.replace('.', '/') + ".java");
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // a report without test_code, not a failed grading
        }
    }

    /** The declaration of {@code method} in the source (inside the nested classes named, in order). */
    static Optional<String> method(String source, List<String> nestedClasses, String method) {
        String code = blanked(source);
        int from = 0;
        int to = code.length();
        for (String nested : nestedClasses) {
            Matcher declaration = Pattern.compile("\\bclass\\s+" + Pattern.quote(nested) + "\\b[^{]*\\{").matcher(code);
            declaration.region(from, to);
            if (!declaration.find()) {
                return Optional.empty();
            }
            from = declaration.end();
            to = closingBrace(code, declaration.end() - 1);
        }
        Matcher declaration = Pattern.compile("[\\w<>\\[\\]?,.]+\\s+" + Pattern.quote(method)
                + "\\s*\\([^)]*\\)\\s*(throws\\s+[\\w.,\\s]+)?\\{").matcher(code);
        declaration.region(from, to);
        if (!declaration.find()) {
            return Optional.empty();
        }
        int end = closingBrace(code, declaration.end() - 1) + 1;
        int start = lineStart(code, declaration.start());
        // The annotations above the signature belong to it (@Test, @DisplayName over one line or
        // several); a comment (blank here), a statement or a closing brace ends them.
        while (start > from) {
            int previous = lineStart(code, start - 1);
            String line = code.substring(previous, start).strip();
            if (line.isEmpty() || line.endsWith(";") || line.endsWith("}") || line.endsWith("{")) {
                break;
            }
            start = previous;
        }
        return Optional.of(dedent(source.substring(start, end)));
    }

    /** The lines without the indentation they all share. */
    private static String dedent(String text) {
        List<String> lines = text.lines().toList();
        int common = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(common)).append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static int lineStart(String code, int index) {
        int newline = code.lastIndexOf('\n', index - 1);
        return newline + 1;
    }

    /** The index of the brace that closes the one at {@code open} (in blanked code), or the end. */
    private static int closingBrace(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return code.length() - 1;
    }

    /**
     * The source with every comment and the inside of every literal (strings, text blocks,
     * characters) turned into spaces, line breaks kept: the same length, so indexes carry over.
     */
    static String blanked(String source) {
        StringBuilder out = new StringBuilder(source);
        int i = 0;
        int n = source.length();
        while (i < n) {
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
                blank(out, i, end);
                i = end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(out, i, end);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = i + 3;
                while (end < n && !source.startsWith("\"\"\"", end)) {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 3);
                blank(out, i + 3, end - 3);
                i = end;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                int end = i + 1;
                while (end < n && source.charAt(end) != quote && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
                blank(out, i + 1, end - 1);
                i = end;
            } else {
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(StringBuilder out, int from, int to) {
        for (int i = from; i < to && i < out.length(); i++) {
            if (out.charAt(i) != '\n') {
                out.setCharAt(i, ' ');
            }
        }
    }
}
