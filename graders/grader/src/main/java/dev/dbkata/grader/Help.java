package dev.dbkata.grader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kata COMMAND --help}: the usage lines of that command and the options they name, cut
 * from {@link Arguments#USAGE} so that a new option or command documented there shows up in its
 * command's help with no second copy to keep in step. A command the usage does not name gets the
 * whole text.
 */
final class Help {

    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z-]*");
    /** Options every command takes. */
    private static final List<String> GLOBAL = List.of("--ascii", "--verbose", "--repo", "--help");

    private Help() {
    }

    /** Whether the words ask for help ({@code --help} or {@code -h} anywhere, or the command {@code help}). */
    static boolean asked(String[] args) {
        return args.length > 0 && "help".equals(args[0])
                || java.util.Arrays.stream(args).anyMatch(a -> "--help".equals(a) || "-h".equals(a));
    }

    /** The help for {@code command} (or the whole usage when it is not one of the commands listed there). */
    static String of(String command) {
        return of(Arguments.USAGE, command);
    }

    /**
     * @param usage one usage text or several joined (each a block of {@code kata COMMAND ...}
     *              lines, continued by lines that start with {@code [}, and option lines)
     */
    static String of(String usage, String command) {
        List<String> lines = usage.lines().toList();
        List<String> mine = new ArrayList<>();
        boolean inMine = false;
        for (String line : lines) {
            String text = line.startsWith("usage:") ? line.substring("usage:".length()) : line;
            String stripped = text.strip();
            if (stripped.startsWith("kata ")) {
                inMine = stripped.startsWith("kata " + command + " ") || stripped.equals("kata " + command);
                if (inMine) {
                    mine.add(stripped);
                }
            } else if (inMine && stripped.startsWith("[")) {
                mine.add(text); // a continuation keeps its indentation, which lines it up under its command
            } else {
                inMine = false;
            }
        }
        if (mine.isEmpty()) {
            return usage;
        }
        java.util.Set<String> named = new java.util.LinkedHashSet<>();
        for (String line : mine) {
            Matcher option = OPTION.matcher(line);
            while (option.find()) {
                named.add(option.group());
            }
        }
        GLOBAL.forEach(named::add);
        Map<String, List<String>> options = options(lines);
        StringBuilder out = new StringBuilder("usage: ");
        for (String line : mine) {
            if (out.length() > "usage: ".length()) {
                out.append('\n');
                if (line.startsWith("kata ")) {
                    out.append(" ".repeat("usage: ".length()));
                }
            }
            out.append(line);
        }
        List<String> described = named.stream().filter(options::containsKey).toList();
        if (!described.isEmpty()) {
            out.append("\n\noptions:");
            for (String option : described) {
                options.get(option).forEach(l -> out.append('\n').append(l));
            }
        }
        return out.toString();
    }

    /** Every option the usage documents ({@code --format}, ...). */
    static java.util.Set<String> options(String usage) {
        java.util.Set<String> all = new java.util.TreeSet<>();
        Matcher option = OPTION.matcher(usage);
        while (option.find()) {
            all.add(option.group());
        }
        return all;
    }

    /** What {@code kata COMMAND --nope} gets: the option's closest match and the command's help. */
    static String unknownOption(String command, String option) {
        String suggestion = Names.closest(option.replaceFirst("^-+", ""),
                options(Arguments.USAGE).stream().map(o -> o.substring(2)).toList()).map(o -> " Did you mean --" + o + "?")
                .orElse("");
        return "unknown option " + option + "." + suggestion + "\n" + of(command);
    }

    /** Each option's lines (its own and the indented ones that continue it), by the option's name. */
    private static Map<String, List<String>> options(List<String> lines) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.startsWith("--") && leading(line) <= 4) {
                Matcher option = OPTION.matcher(stripped);
                current = new ArrayList<>();
                if (option.lookingAt()) {
                    options.put(option.group(), current);
                }
                current.add(line);
            } else if (current != null && !stripped.isEmpty() && !stripped.endsWith(":")) {
                current.add(line);
            } else {
                current = null;
            }
        }
        return options;
    }

    private static int leading(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
