package dev.dbkata.grader;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One wording, for every command, when an exercise or a task named on the command line does not
 * exist: what was asked, the closest name that does exist, and the list of what exists.
 */
final class Names {

    private Names() {
    }

    /**
     * {@code kata names EXERCISE [TASK]}, for the {@code kata} script: exits 0 when they exist,
     * else throws the one wording every command uses.
     */
    static int check(KataRepository repository, List<String> words) {
        if (words.isEmpty() || words.size() > 2) {
            throw new GradingException("usage: kata names EXERCISE [TASK]");
        }
        requireExercises(repository, words.subList(0, 1));
        if (words.size() == 2) {
            requireTask(repository.catalog(words.get(0)), words.get(1));
        }
        return Main.OK;
    }

    /** @throws GradingException for the first name that is not an exercise of the repository */
    static void requireExercises(KataRepository repository, Collection<String> names) {
        List<String> known = null;
        for (String name : names) {
            if (known == null) {
                known = repository.exercises();
            }
            if (!known.contains(name)) {
                throw new GradingException(unknownExercise(name, known));
            }
        }
    }

    /** @throws GradingException when the exercise has no task {@code task} */
    static void requireTask(TaskCatalog catalog, String task) {
        List<String> tasks = catalog.exercise().tasks().stream().map(TaskInfo::id).toList();
        if (!tasks.contains(task)) {
            throw new GradingException(unknownTask(catalog.exercise().id(), task, tasks));
        }
    }

    static String unknownExercise(String name, List<String> known) {
        return "there is no exercise " + name + "." + suggestion(name, known) + "\nThe exercises: "
                + String.join(", ", known) + " (./kata list shows them with their tasks)";
    }

    static String unknownTask(String exercise, String task, List<String> known) {
        return exercise + " has no task " + task + "." + suggestion(task, known) + "\nIts tasks: "
                + String.join(", ", known) + " (./kata list " + exercise + " shows them)";
    }

    private static String suggestion(String name, List<String> known) {
        return closest(name, known).map(c -> " Did you mean " + c + "?").orElse("");
    }

    /**
     * The known name most like {@code name}: one that starts with it or contains it (04,
     * partitioning), else the fewest edits away, if that is close enough to be a typo.
     */
    static Optional<String> closest(String name, List<String> known) {
        String wanted = name.toLowerCase(Locale.ROOT).strip();
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> containing = known.stream()
                .filter(k -> k.startsWith(wanted) || (wanted.length() >= 3 && k.contains(wanted))).findFirst();
        if (containing.isPresent()) {
            return containing;
        }
        Comparator<String> byEdits = Comparator.comparingInt(k -> edits(wanted, k));
        return known.stream().min(byEdits).filter(k -> edits(wanted, k) <= Math.max(1, wanted.length() / 3));
    }

    /**
     * Edits from what was typed to a name, to the name without its number, or to the start of
     * either as long as what was typed (a name cut short with a typo: 04-partiton).
     */
    private static int edits(String wanted, String name) {
        int fewest = Integer.MAX_VALUE;
        for (String candidate : List.of(name, stripNumber(name))) {
            fewest = Math.min(fewest, distance(wanted, candidate));
            fewest = Math.min(fewest, distance(wanted, candidate.substring(0, Math.min(candidate.length(), wanted.length()))));
        }
        return fewest;
    }

    /** {@code 04-partitioning} without its number: what someone who forgot the number types. */
    private static String stripNumber(String name) {
        return name.replaceFirst("^\\d+-", "");
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
