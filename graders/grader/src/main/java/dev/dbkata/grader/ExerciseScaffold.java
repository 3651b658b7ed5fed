package dev.dbkata.grader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kata new NN-slug "Title" LEVEL}: creates an exercise and its solution from the templates
 * beside this class, with one task that fails on the skeleton and passes on the reference, and
 * registers them everywhere {@link RepositoryLayout} looks: both aggregator poms, the coverage
 * pom, the roadmap and the README's totals. Everything is checked and prepared before the first
 * file is written, so a refused request changes nothing.
 */
final class ExerciseScaffold {

    private static final String TEMPLATES = "scaffold/";
    private static final String TASK = "server-version";
    private static final Pattern TITLE = Pattern.compile("[\\p{L}\\p{N} ,.:;()'/+-]{1,60}");

    private final KataRepository repository;

    ExerciseScaffold(KataRepository repository) {
        this.repository = repository;
    }

    /** What was written, for the person who asked. */
    record Created(String id, List<String> files, List<String> registeredIn) {

        String describe() {
            StringBuilder text = new StringBuilder("Created exercise " + id + ":\n");
            files.forEach(f -> text.append("  ").append(f).append('\n'));
            text.append("Registered in ").append(String.join(", ", registeredIn)).append(".\n");
            text.append("""
                    Next: replace the server-version task with the exercise's real tasks (docs/EXERCISE-STANDARD.md),
                    then ./kata verify %s: the reference passes every task, the skeleton fails every task.
                    """.formatted(id));
            return text.toString();
        }
    }

    Created create(String id, String title, String levelName) {
        if (!RepositoryLayout.EXERCISE_ID.matcher(id).matches()) {
            throw new GradingException("'" + id + "' is not an exercise id: two digits, a dash, then kebab-case"
                    + " (08-load-balancing)");
        }
        if (!TITLE.matcher(title).matches()) {
            throw new GradingException("the title '" + title + "' should be up to 60 letters, digits, spaces and"
                    + " simple punctuation (no quotes, no markup)");
        }
        Level level;
        try {
            level = Level.valueOf(levelName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GradingException("the level is BEGINNER, INTERMEDIATE or ADVANCED, not " + levelName);
        }
        String number = id.substring(0, 2);
        for (String parent : List.of("exercises", "solutions")) {
            try (var siblings = Files.list(repository.root().resolve(parent))) {
                String taken = siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(number + "-"))
                        .findFirst().orElse(null);
                if (taken != null) {
                    throw new GradingException(parent + "/" + taken + " already has the number " + number
                            + ": pick another, or finish that one");
                }
            } catch (IOException e) {
                throw new GradingException("cannot read " + parent + "/: " + e.getMessage(), e);
            }
        }
        String slug = id.substring(3);
        String pkg = "dev.dbkata." + slug.replace("-", "");
        Map<String, String> values = Map.of("{{ID}}", id, "{{NN}}", number, "{{TITLE}}", title, "{{LEVEL}}",
                level.name(), "{{LEVEL_TITLE}}", level.title(), "{{PACKAGE}}", pkg);
        String pkgPath = pkg.replace('.', '/');

        // Everything prepared in memory first: a refusal below writes nothing.
        Map<Path, String> writes = new LinkedHashMap<>();
        Path exercise = repository.exercise(id);
        Path solution = repository.solution(id);
        writes.put(exercise.resolve("pom.xml"), template("exercise/pom.xml", values));
        writes.put(exercise.resolve("README.md"), template("exercise/README.md", values));
        writes.put(exercise.resolve("HINTS.md"), template("exercise/HINTS.md", values));
        writes.put(exercise.resolve("src/test/java/" + pkgPath + "/package-info.java"),
                template("exercise/test/package-info.java", values));
        writes.put(exercise.resolve("src/test/java/" + pkgPath + "/ServerVersionTest.java"),
                template("exercise/test/ServerVersionTest.java", values));
        writes.put(exercise.resolve("src/main/java/" + pkgPath + "/ServerVersion.java"),
                template("exercise/main/ServerVersion.java", values));
        writes.put(solution.resolve("pom.xml"), template("solution/pom.xml", values));
        writes.put(solution.resolve("SOLUTION.md"), template("solution/SOLUTION.md", values));
        writes.put(solution.resolve("src/main/java/" + pkgPath + "/ServerVersion.java"),
                template("solution/main/ServerVersion.java", values));
        List<String> files = writes.keySet().stream().map(p -> repository.root().relativize(p).toString()).toList();

        Map<Path, String> edits = new LinkedHashMap<>();
        edits.put(file("exercises/pom.xml"), withModule(read("exercises/pom.xml"), id, "exercises/pom.xml"));
        edits.put(file("solutions/pom.xml"), withModule(read("solutions/pom.xml"), id, "solutions/pom.xml"));
        edits.put(file("quality/coverage/pom.xml"), withCoverage(read("quality/coverage/pom.xml"), "solution-" + id));
        edits.put(file("roadmap.md"), withRoadmapEntry(read("roadmap.md"), id, title, level));
        String readme = read("README.md");
        if (!RepositoryLayout.README_TOTALS.matcher(readme).find()) {
            throw new GradingException("README.md does not state the totals (\"N exercises, N tasks, N points\")");
        }

        writes.forEach(ExerciseScaffold::write);
        edits.forEach(ExerciseScaffold::write);
        List<String> registered = new ArrayList<>(List.of("exercises/pom.xml", "solutions/pom.xml",
                "quality/coverage/pom.xml", "roadmap.md"));
        try {
            RepositoryLayout.Totals totals = new RepositoryLayout(repository).totals();
            write(file("README.md"), RepositoryLayout.README_TOTALS.matcher(readme).replaceFirst(totals.phrase()));
            registered.add("README.md (" + totals.phrase() + ")");
        } catch (TaskCatalog.CatalogException e) {
            // Another exercise's annotations are broken: its totals cannot be counted, and the layout test says so.
        }
        return new Created(id, files, registered);
    }

    /** The pom with {@code <module>id</module>} added to its modules, in name order. */
    static String withModule(String pom, String id, String name) {
        Matcher block = Pattern.compile("(?s)<modules>(.*?)</modules>").matcher(pom);
        if (!block.find()) {
            throw new GradingException(name + " has no <modules> section");
        }
        if (block.group(1).contains("<module>" + id + "</module>")) {
            throw new GradingException(name + " already lists <module>" + id + "</module>");
        }
        Matcher module = Pattern.compile("(?m)^([ \\t]*)<module>([^<]+)</module>[ \\t]*\\n").matcher(pom);
        module.region(block.start(1), block.end(1));
        Slot slot = Slot.among(module, id);
        int insertAt = slot.at();
        String line = slot.indent() + "<module>" + id + "</module>\n";
        if (insertAt < 0) {
            insertAt = block.end(1);
            int lineStart = pom.lastIndexOf('\n', insertAt - 1) + 1;
            return pom.substring(0, lineStart) + line + pom.substring(lineStart);
        }
        return pom.substring(0, insertAt) + line + pom.substring(insertAt);
    }

    /**
     * Where an entry named {@code name} goes among entries kept in name order, and their
     * indentation: {@code at} is -1 when there are no entries.
     */
    private record Slot(int at, String indent) {

        /** @param entries matches an entry, its indentation as group 1 and its name as group 2 */
        static Slot among(Matcher entries, String name) {
            int at = -1;
            String indent = "        ";
            while (entries.find()) {
                indent = entries.group(1);
                if (entries.group(2).compareTo(name) > 0) {
                    return new Slot(entries.start(), indent);
                }
                at = entries.end();
            }
            return new Slot(at, indent);
        }
    }

    /** The coverage pom with a dependency on the solution's artifact, among the other solutions in name order. */
    static String withCoverage(String pom, String artifact) {
        if (pom.contains("<artifactId>" + artifact + "</artifactId>")) {
            throw new GradingException("quality/coverage/pom.xml already depends on " + artifact);
        }
        Matcher dependency = Pattern.compile("(?s)([ \\t]*)<dependency>\\s*<groupId>dev\\.dbkata</groupId>\\s*"
                + "<artifactId>(solution-[^<]+)</artifactId>.*?</dependency>[ \\t]*\\n").matcher(pom);
        Slot slot = Slot.among(dependency, artifact);
        int insertAt = slot.at();
        String indent = slot.indent();
        if (insertAt < 0) {
            int end = pom.indexOf("</dependencies>");
            if (end < 0) {
                throw new GradingException("quality/coverage/pom.xml has no <dependencies> section");
            }
            insertAt = pom.lastIndexOf('\n', end) + 1;
        }
        String inner = indent + "    ";
        String block = indent + "<dependency>\n" + inner + "<groupId>dev.dbkata</groupId>\n" + inner + "<artifactId>"
                + artifact + "</artifactId>\n" + inner + "<version>${project.version}</version>\n" + indent
                + "</dependency>\n";
        return pom.substring(0, insertAt) + block + pom.substring(insertAt);
    }

    /**
     * The roadmap with the exercise's heading linked: a planned entry of the same number is
     * replaced (its lines about what the topic teaches stay); otherwise a new entry closes the
     * level's section.
     */
    static String withRoadmapEntry(String roadmap, String id, String title, Level level) {
        String number = id.substring(0, 2);
        String heading = "### " + number + " — [" + title + "](exercises/" + id + "/) · 1 task, 1 point · [mentor notes]"
                + "(solutions/" + id + "/SOLUTION.md)";
        Matcher planned = Pattern.compile("(?m)^### " + number + "\\b.*$").matcher(roadmap);
        if (planned.find()) {
            if (planned.group().contains("](exercises/")) {
                throw new GradingException("roadmap.md already links an exercise numbered " + number + ": " + planned.group());
            }
            return roadmap.substring(0, planned.start()) + heading + roadmap.substring(planned.end());
        }
        String entry = heading + "\n- TODO: what this topic teaches, one line per idea.\n";
        Matcher section = Pattern.compile("(?m)^## " + level.title() + "\\s*$").matcher(roadmap);
        if (!section.find()) {
            return roadmap.stripTrailing() + "\n\n## " + level.title() + "\n\n" + entry;
        }
        Matcher next = Pattern.compile("(?m)^## ").matcher(roadmap);
        int end = next.find(section.end()) ? next.start() : roadmap.length();
        String before = roadmap.substring(0, end).stripTrailing();
        return before + "\n\n" + entry + (end < roadmap.length() ? "\n" + roadmap.substring(end) : "");
    }

    private static String template(String name, Map<String, String> values) {
        String resource = TEMPLATES + name + ".template";
        try (InputStream in = ExerciseScaffold.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the grader was built without its template " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> value : values.entrySet()) {
                text = text.replace(value.getKey(), value.getValue());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String relative) {
        return repository.root().resolve(relative);
    }

    private String read(String relative) {
        Path file = file(relative);
        if (!Files.isRegularFile(file)) {
            throw new GradingException(relative + " is missing: kata new registers the exercise there");
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
