package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An exercise's tasks as its tests declare them: {@code @Exercise} on the test package's
 * {@code package-info.java} and {@code @Task} on each task's test class. The annotations are the
 * only catalogue; they are read from the test sources, so the catalogue is known even when the
 * learner's code does not compile (every task then scores 0 with the compiler's message), and
 * {@code kata list} needs no build. Tests of nested classes belong to their outer class's task.
 */
public final class TaskCatalog {

    private static final Pattern TASK_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern TEST_METHOD = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b");

    private final ExerciseInfo exercise;
    private final Map<String, String> taskOfClass;
    private final List<String> untasked;
    private final java.util.Set<String> testSourceClasses;

    private TaskCatalog(ExerciseInfo exercise, Map<String, String> taskOfClass, List<String> untasked,
            java.util.Set<String> testSourceClasses) {
        this.exercise = exercise;
        this.taskOfClass = taskOfClass;
        this.untasked = untasked;
        this.testSourceClasses = testSourceClasses;
    }

    /**
     * @param id        the exercise folder's name
     * @param testSources its {@code src/test/java}
     * @param readme    its README, whose order of task ids sets the order of tasks (may be absent)
     * @throws CatalogException when the annotations are missing or inconsistent
     */
    public static TaskCatalog read(String id, Path testSources, Path readme) {
        List<Path> files = FileCopies.filesEndingWith(testSources, ".java");
        if (files.isEmpty()) {
            throw new CatalogException(id + ": no tests under " + testSources);
        }
        Map<String, String> exerciseAttributes = null;
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        Map<String, String> taskOfClass = new LinkedHashMap<>();
        Map<Path, Map<String, String>> taskAttributes = new LinkedHashMap<>();
        List<String> untasked = new ArrayList<>();
        for (Path file : files) {
            String source = JavaAnnotations.withoutComments(read(file));
            if (file.getFileName().toString().equals("package-info.java")) {
                Optional<Map<String, String>> found = JavaAnnotations.find(source, "Exercise");
                if (found.isPresent()) {
                    exerciseAttributes = found.get();
                }
                continue;
            }
            Optional<Map<String, String>> task = JavaAnnotations.find(source, "Task");
            if (task.isPresent()) {
                taskAttributes.put(file, task.get());
            } else if (TEST_METHOD.matcher(source).find()) {
                untasked.add(className(testSources, file));
            }
        }
        if (exerciseAttributes == null) {
            throw new CatalogException(id + ": no @Exercise(title = ..., level = ...) on a package-info.java of its tests");
        }
        String title = exerciseAttributes.getOrDefault("title", id);
        Level level = level(id, exerciseAttributes.get("level"))
                .orElseThrow(() -> new CatalogException(id + ": @Exercise needs a level: BEGINNER, INTERMEDIATE or ADVANCED"));
        for (Map.Entry<Path, Map<String, String>> entry : taskAttributes.entrySet()) {
            String className = className(testSources, entry.getKey());
            TaskInfo info = taskInfo(id, className, entry.getValue(), level);
            TaskInfo clash = tasks.putIfAbsent(info.id(), info);
            if (clash != null) {
                throw new CatalogException(id + ": task id '" + info.id() + "' is declared twice, on "
                        + clash.testClasses().get(0) + " and " + className);
            }
            taskOfClass.put(className, info.id());
        }
        if (tasks.isEmpty()) {
            throw new CatalogException(id + ": no test class is annotated with @Task");
        }
        List<TaskInfo> ordered = new ArrayList<>(tasks.values());
        ordered.sort(readmeOrder(readme));
        java.util.Set<String> allTestClasses = new java.util.TreeSet<>();
        files.stream().filter(f -> !f.getFileName().toString().equals("package-info.java"))
                .forEach(f -> allTestClasses.add(className(testSources, f)));
        return new TaskCatalog(new ExerciseInfo(id, title, level, List.copyOf(ordered)), Map.copyOf(taskOfClass),
                List.copyOf(untasked), java.util.Set.copyOf(allTestClasses));
    }

    /** Every top-level class of the exercise's test sources (tasks' and helpers'). */
    public java.util.Set<String> testSourceClasses() {
        return testSourceClasses;
    }

    /** Test classes that belong to no task: their tests run but count for nothing. */
    public List<String> untaskedTestClasses() {
        return untasked;
    }

    public ExerciseInfo exercise() {
        return exercise;
    }

    /** The task a test class belongs to ({@code Outer$Nested} belongs to {@code Outer}'s), if any. */
    public Optional<TaskInfo> taskOf(String className) {
        int nested = className.indexOf('$');
        String outer = nested < 0 ? className : className.substring(0, nested);
        String id = taskOfClass.get(outer);
        return exercise.tasks().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    private static TaskInfo taskInfo(String exercise, String className, Map<String, String> attributes, Level exerciseLevel) {
        String where = exercise + ": @Task on " + className;
        String id = attributes.get("id");
        if (id == null || !TASK_ID.matcher(id).matches()) {
            throw new CatalogException(where + ": id must be a kebab-case string literal (read-write-split), not " + id);
        }
        String title = attributes.get("title");
        if (title == null || title.isBlank()) {
            throw new CatalogException(where + " needs a title");
        }
        int points;
        try {
            points = Integer.parseInt(attributes.getOrDefault("points", ""));
        } catch (NumberFormatException e) {
            throw new CatalogException(where + ": points must be a number literal from 1 to 5");
        }
        if (points < 1 || points > 5) {
            throw new CatalogException(where + ": points must be 1 to 5, not " + points);
        }
        Level level = level(where, attributes.get("level")).orElse(exerciseLevel);
        return new TaskInfo(id, title, level, points, List.of(className));
    }

    private static Optional<Level> level(String where, String value) {
        if (value == null || JavaAnnotations.simpleName(value).equals("OF_EXERCISE")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Level.valueOf(JavaAnnotations.simpleName(value)));
        } catch (IllegalArgumentException e) {
            throw new CatalogException(where + ": unknown level " + value);
        }
    }

    private static String className(Path sourceRoot, Path file) {
        String relative = sourceRoot.relativize(file).toString();
        return relative.substring(0, relative.length() - ".java".length()).replace(java.io.File.separatorChar, '.');
    }

    /**
     * Tasks in the order the README lists them: where each id first appears as a whole word after
     * the first heading that mentions tasks (a story may name a task before the list does).
     */
    private static Comparator<TaskInfo> readmeOrder(Path readme) {
        String text = readme != null && Files.isRegularFile(readme) ? read(readme) : "";
        java.util.regex.Matcher heading = Pattern.compile("(?im)^#{1,6} .*task").matcher(text);
        int from = heading.find() ? heading.start() : 0;
        return Comparator.comparingInt((TaskInfo t) -> {
            java.util.regex.Matcher word = Pattern.compile("(?<![a-z0-9-])" + Pattern.quote(t.id()) + "(?![a-z0-9-])")
                    .matcher(text);
            if (word.find(from)) {
                return word.start();
            }
            return word.find(0) ? text.length() + word.start() : Integer.MAX_VALUE;
        }).thenComparing(t -> t.testClasses().get(0));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exercise's tests do not declare their tasks as the grader needs. */
    public static final class CatalogException extends GradingException {
        private static final long serialVersionUID = 1L;

        public CatalogException(String message) {
            super(message);
        }
    }
}
