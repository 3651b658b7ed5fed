package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether every exercise is complete and registered everywhere it must be, each problem named
 * so that the fix is obvious. An exercise {@code exercises/NN-slug} needs its {@code README.md}
 * and {@code HINTS.md} (naming every task), tasks declared with {@code @Exercise} and
 * {@code @Task}, a {@code <module>} entry in {@code exercises/pom.xml}, a solution
 * {@code solutions/NN-slug} (with {@code SOLUTION.md}, a pom naming its exercise, a
 * {@code <module>} entry in {@code solutions/pom.xml}) that {@code quality/coverage/pom.xml}
 * depends on, and a roadmap entry that links both and states its tasks and points. Mistake
 * patches start with their {@code Task:} and {@code Mistake:} lines. The root README's totals
 * match the tests. {@code kata new} writes all of it; the layout test in {@code quality/layout}
 * runs this check on every build.
 */
public final class RepositoryLayout {

    /** An exercise folder's name: the roadmap number, then a kebab-case slug. */
    public static final Pattern EXERCISE_ID = Pattern.compile("\\d\\d-[a-z0-9]+(-[a-z0-9]+)*");
    /** How the root README states the totals, for example {@code 3 exercises, 16 tasks, 54 points}. */
    static final Pattern README_TOTALS = Pattern.compile("(\\d+) exercises?, (\\d+) tasks?, (\\d+) points?");

    private final KataRepository repository;

    public RepositoryLayout(KataRepository repository) {
        this.repository = repository;
    }

    /** Every exercise's problems and the repository's own; empty when all is in place. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (String id : exerciseFolders()) {
            problems.addAll(problemsOf(id));
        }
        for (String id : folders("solutions")) {
            if (!Files.isDirectory(repository.exercise(id))) {
                problems.add("solutions/" + id + " has no exercise: exercises/" + id + " is missing");
            }
        }
        problems.addAll(readmeTotals());
        return problems;
    }

    /** The problems of one exercise folder. */
    public List<String> problemsOf(String id) {
        List<String> problems = new ArrayList<>();
        String exercise = "exercises/" + id;
        String solution = "solutions/" + id;
        if (!EXERCISE_ID.matcher(id).matches()) {
            problems.add(exercise + ": the folder's name must be NN-slug (two digits, then kebab-case)");
        }
        requireFile(problems, exercise + "/pom.xml");
        Set<String> taskIds = new LinkedHashSet<>();
        ExerciseInfo info = null;
        try {
            info = repository.catalog(id).exercise();
            info.tasks().forEach(t -> taskIds.add(t.id()));
        } catch (TaskCatalog.CatalogException e) {
            problems.add("exercises/" + e.getMessage());
        }
        if (info != null) {
            problems.addAll(documentation(repository, info));
        } else {
            requireFile(problems, exercise + "/README.md");
            requireFile(problems, exercise + "/HINTS.md");
            requireFile(problems, solution + "/SOLUTION.md");
        }
        requireModule(problems, "exercises/pom.xml", id);
        if (!Files.isDirectory(repository.solution(id))) {
            problems.add(exercise + " has no solution: " + solution + " is missing (kata new creates both)");
        } else {
            String pom = read(solution + "/pom.xml");
            if (pom == null) {
                problems.add(solution + ": no pom.xml");
            } else {
                if (!pom.contains("<kata.exercise>" + id + "</kata.exercise>")) {
                    problems.add(solution + "/pom.xml must name its exercise: <kata.exercise>" + id + "</kata.exercise>");
                }
                String artifact = artifactId(pom);
                String coverage = read("quality/coverage/pom.xml");
                if (coverage != null && !coverage.contains("<artifactId>" + artifact + "</artifactId>")) {
                    problems.add("quality/coverage/pom.xml does not depend on " + artifact + " (" + solution
                            + "), so the coverage report leaves its reference code out");
                }
            }
            requireModule(problems, "solutions/pom.xml", id);
            problems.addAll(mistakes(id, taskIds));
        }
        problems.addAll(roadmap(id, info));
        return problems;
    }

    /** The tasks and points of every exercise, from the tests' annotations. */
    public Totals totals() {
        int exercises = 0;
        int tasks = 0;
        int points = 0;
        for (String id : repository.exercises()) {
            ExerciseInfo info = repository.catalog(id).exercise();
            exercises++;
            tasks += info.tasks().size();
            points += info.possiblePoints();
        }
        return new Totals(exercises, tasks, points);
    }

    /** How many exercises, tasks and points there are. */
    public record Totals(int exercises, int tasks, int points) {

        /** As the root README states them. */
        public String phrase() {
            return count(exercises, "exercise") + ", " + count(tasks, "task") + ", " + count(points, "point");
        }
    }

    /** {@code 1 task}, {@code 5 tasks}. */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * The documents an exercise needs: its README and HINTS.md name every task, its solution has
     * a SOLUTION.md, and every test class belongs to a task. {@code kata verify} checks these too.
     */
    static List<String> documentation(KataRepository repository, ExerciseInfo exercise) {
        List<String> problems = new ArrayList<>();
        String id = exercise.id();
        for (String untasked : repository.catalog(id).untaskedTestClasses()) {
            problems.add("exercises/" + id + ": " + untasked + " has tests but no @Task, so they count for nothing");
        }
        for (String file : List.of("README.md", "HINTS.md")) {
            String text = readFile(repository.exercise(id).resolve(file));
            if (text == null) {
                problems.add("exercises/" + id + ": no " + file);
                continue;
            }
            for (TaskInfo task : exercise.tasks()) {
                if (!text.contains(task.id())) {
                    problems.add("exercises/" + id + "/" + file + " does not mention task " + task.id());
                }
            }
        }
        if (!Files.isRegularFile(repository.solution(id).resolve("SOLUTION.md"))) {
            problems.add("solutions/" + id + ": no SOLUTION.md");
        }
        return problems;
    }

    private List<String> roadmap(String id, ExerciseInfo info) {
        String roadmap = read("roadmap.md");
        if (roadmap == null) {
            return List.of("roadmap.md is missing");
        }
        List<String> problems = new ArrayList<>();
        String line = roadmap.lines()
                .filter(l -> l.contains("](exercises/" + id + "/)") || l.contains("](exercises/" + id + ")"))
                .findFirst().orElse(null);
        if (line == null) {
            problems.add("roadmap.md does not link exercises/" + id + ": its entry's heading should read \"### "
                    + id.substring(0, 2) + " — [Title](exercises/" + id + "/) · N tasks, N points · [mentor notes](solutions/"
                    + id + "/SOLUTION.md)\"");
            return problems;
        }
        if (!line.contains("](solutions/" + id + "/SOLUTION.md)")) {
            problems.add("roadmap.md: the entry of " + id + " does not link its mentor notes (solutions/" + id
                    + "/SOLUTION.md)");
        }
        if (info != null) {
            String expected = count(info.tasks().size(), "task") + ", " + count(info.possiblePoints(), "point");
            Matcher stated = Pattern.compile("(\\d+) tasks?, (\\d+) points?").matcher(line);
            if (!stated.find()) {
                problems.add("roadmap.md: the entry of " + id + " should state \"" + expected + "\" (from its @Task annotations)");
            } else if (!stated.group().equals(expected)) {
                problems.add("roadmap.md: the entry of " + id + " says \"" + stated.group() + "\", but its tests declare "
                        + expected + " (@Task annotations)");
            }
        }
        return problems;
    }

    private List<String> mistakes(String id, Set<String> taskIds) {
        Path folder = repository.solution(id).resolve("mistakes");
        List<String> problems = new ArrayList<>();
        for (Path patch : FileCopies.filesEndingWith(folder, ".patch")) {
            String name = "solutions/" + id + "/mistakes/" + folder.relativize(patch);
            List<String> lines = readFile(patch).lines().limit(3).toList();
            if (lines.size() < 3 || !lines.get(0).startsWith("Task: ") || !lines.get(1).startsWith("Mistake: ")
                    || lines.get(1).substring("Mistake: ".length()).isBlank()) {
                problems.add(name + " must start with a \"Task: task-id\" line and a \"Mistake: what is wrong\" line,"
                        + " then the diff");
                continue;
            }
            for (String task : lines.get(0).substring("Task: ".length()).split("[,\\s]+")) {
                if (!taskIds.isEmpty() && !task.isBlank() && !taskIds.contains(task)) {
                    problems.add(name + " names task " + task + ", which " + id + " does not declare (its tasks: "
                            + String.join(", ", taskIds) + ")");
                }
            }
        }
        return problems;
    }

    private List<String> readmeTotals() {
        String readme = read("README.md");
        if (readme == null) {
            return List.of("README.md is missing");
        }
        Totals totals;
        try {
            totals = totals();
        } catch (TaskCatalog.CatalogException e) {
            return List.of(); // reported with its exercise
        }
        Matcher stated = README_TOTALS.matcher(readme);
        if (!stated.find()) {
            return List.of("README.md should state the totals as \"" + totals.phrase() + "\" (from the @Task annotations)");
        }
        if (!stated.group().equals(totals.phrase())) {
            return List.of("README.md says \"" + stated.group() + "\", but the tests declare " + totals.phrase()
                    + " (@Exercise and @Task annotations): write \"" + totals.phrase() + "\"");
        }
        return List.of();
    }

    private void requireModule(List<String> problems, String pom, String id) {
        String text = read(pom);
        if (text == null) {
            problems.add(pom + " is missing");
            return;
        }
        Matcher modules = Pattern.compile("(?s)<modules>(.*?)</modules>").matcher(withoutComments(text));
        if (!modules.find() || !modules.group(1).contains("<module>" + id + "</module>")) {
            problems.add(pom + " does not list <module>" + id + "</module>, so the build skips it");
        }
    }

    private void requireFile(List<String> problems, String relative) {
        if (!Files.isRegularFile(repository.root().resolve(relative))) {
            problems.add(relative + " is missing");
        }
    }

    private List<String> exerciseFolders() {
        return folders("exercises").stream().filter(name -> name.matches("\\d\\d-.*")).toList();
    }

    private List<String> folders(String parent) {
        Path folder = repository.root().resolve(parent);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("\\d\\d-.*")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String artifactId(String pom) {
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>")
                .matcher(withoutComments(pom).replaceAll("(?s)<parent>.*?</parent>", ""));
        return m.find() ? m.group(1).trim() : "";
    }

    static String withoutComments(String xml) {
        return xml.replaceAll("(?s)<!--.*?-->", "");
    }

    private String read(String relative) {
        return readFile(repository.root().resolve(relative));
    }

    private static String readFile(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
