package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code kata hint}: one hint at a time, the gentlest first. HINTS.md has a {@code ## } section
 * per task whose heading names the task id; each hint is a {@code ### } sub-heading with its text,
 * or a top-level list item. Which hint comes next is remembered per task in
 * {@code target/kata/hints-seen.properties} of the exercise (a build output, never committed).
 */
final class Hints {

    private static final Pattern LIST_ITEM = Pattern.compile("^(\\d+[.)]|[-*])\\s+.*");

    private Hints() {
    }

    /** Every hint of a task, in order; empty when HINTS.md has no section for it. */
    static List<String> of(String hintsMarkdown, String taskId) {
        List<String> hints = new ArrayList<>();
        boolean inSection = false;
        StringBuilder current = null;
        for (String line : hintsMarkdown.lines().toList()) {
            if (line.startsWith("## ")) {
                if (current != null) {
                    hints.add(dedented(current));
                    current = null;
                }
                inSection = Pattern.compile("(^|[^a-z0-9-])" + Pattern.quote(taskId) + "($|[^a-z0-9-])")
                        .matcher(line).find();
                continue;
            }
            if (!inSection) {
                continue;
            }
            boolean startsHint = line.startsWith("### ") || LIST_ITEM.matcher(line).matches();
            if (startsHint) {
                if (current != null) {
                    hints.add(dedented(current));
                }
                // The marker goes: "Hint 2 of 5" already says which one it is.
                current = new StringBuilder(line.startsWith("### ") ? line.substring(4)
                        : line.replaceFirst("^(\\d+[.)]|[-*])\\s+", "")).append('\n');
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            hints.add(dedented(current));
        }
        return hints;
    }

    /**
     * A hint as the learner should read it: without the indentation that continues a list item in
     * Markdown (its first line has none, being after the marker). What is indented further (a code
     * block, a nested list) keeps its indentation relative to the rest.
     */
    static String dedented(CharSequence hint) {
        List<String> lines = hint.toString().strip().lines().toList();
        int common = lines.stream().skip(1).filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            out.append(i == 0 || line.isBlank() ? line.strip() : line.substring(common)).append('\n');
        }
        return out.toString().strip();
    }

    /**
     * The next hint for a task (or for the first task not done yet when {@code taskId} is null),
     * and remembers that it was shown.
     */
    static String next(KataRepository repository, String exercise, String taskId) {
        TaskCatalog catalog = repository.catalog(exercise);
        String task = taskId != null ? taskId : firstTaskNotDone(repository, catalog);
        Names.requireTask(catalog, task);
        Path file = repository.exercise(exercise).resolve("HINTS.md");
        List<String> hints = of(read(file).orElseThrow(() -> new GradingException(exercise + " has no HINTS.md")), task);
        if (hints.isEmpty()) {
            return "HINTS.md of " + exercise + " has no hints for " + task + ".";
        }
        Path seenFile = repository.exercise(exercise).resolve("target/kata/hints-seen.properties");
        java.util.Properties seen = new java.util.Properties();
        read(seenFile).ifPresent(text -> {
            try {
                seen.load(new java.io.StringReader(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        int shown = Integer.parseInt(seen.getProperty(task, "0"));
        int index = Math.min(shown, hints.size() - 1);
        seen.setProperty(task, Integer.toString(index + 1));
        try {
            Files.createDirectories(seenFile.getParent());
            try (var out = Files.newBufferedWriter(seenFile)) {
                seen.store(out, "kata hint: how many hints of each task were shown");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String header = String.format("Hint %d of %d for %s / %s:%n%n", index + 1, hints.size(), exercise, task);
        String footer = index + 1 < hints.size() ? "\n\n(run the same command again for the next hint)"
                : "\n\n(that was the last hint; SOLUTION.md in solutions/" + exercise + " explains the reference)";
        return header + hints.get(index) + footer;
    }

    private static String firstTaskNotDone(KataRepository repository, TaskCatalog catalog) {
        Map<String, Boolean> done = Progress.of(repository, catalog);
        return catalog.exercise().tasks().stream().filter(t -> !done.getOrDefault(t.id(), false)).findFirst()
                .orElse(catalog.exercise().tasks().get(0)).id();
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
