package dev.dbkata.grader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A learner's progress, as their last test runs left it: the Surefire reports that
 * {@code mvn test} and {@code kata test} write in the exercise's {@code target/surefire-reports}.
 * A task counts as done when its tests ran and none failed, errored or was skipped.
 */
final class Progress {

    /** Per task id: true when done, false when its tests ran and did not all pass; absent when never run. */
    static Map<String, Boolean> of(KataRepository repository, TaskCatalog catalog) {
        Path reports = repository.exercise(catalog.exercise().id()).resolve("target/surefire-reports");
        Map<String, Boolean> done = new HashMap<>();
        for (Path report : FileCopies.filesEndingWith(reports, ".xml")) {
            if (!report.getFileName().toString().startsWith("TEST-")) {
                continue;
            }
            NodeList cases = parse(report).map(root -> root.getElementsByTagName("testcase")).orElse(null);
            for (int i = 0; cases != null && i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                Optional<TaskInfo> task = catalog.taskOf(testCase.getAttribute("classname"));
                if (task.isEmpty()) {
                    continue;
                }
                boolean passed = testCase.getElementsByTagName("failure").getLength() == 0
                        && testCase.getElementsByTagName("error").getLength() == 0
                        && testCase.getElementsByTagName("skipped").getLength() == 0;
                done.merge(task.get().id(), passed, Boolean::logicalAnd);
            }
        }
        return done;
    }

    /** What the marks of {@code kata list} mean. */
    static final String LEGEND = """
            [x] passed in your last test run   [-] failed in your last test run   [ ] not run yet
            ! under an exercise: your code changed after some of its marks were made (or no longer
              compiles), so they may not hold any more; it says what to run.""";

    /** The table {@code kata list} prints, with its legend. */
    static String table(KataRepository repository, List<String> exercises) {
        int width = Math.max(24, exercises.stream().mapToInt(String::length).max().orElse(0));
        String row = "%-" + width + "s %-13s %5s %6s  %s%n";
        Staleness staleness = new Staleness(repository, SourceCompiler::new);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, row, "Exercise", "Level",
                "Tasks", "Points", "Your progress (from your last test run)"));
        for (String id : exercises) {
            TaskCatalog catalog;
            try {
                catalog = repository.catalog(id);
            } catch (GradingException e) {
                out.append(String.format(Locale.ROOT, "%-" + width + "s %s%n", id, e.getMessage()));
                continue;
            }
            ExerciseInfo exercise = catalog.exercise();
            Map<String, Boolean> done = of(repository, catalog);
            long passed = exercise.tasks().stream().filter(t -> done.getOrDefault(t.id(), false)).count();
            int earned = exercise.tasks().stream().filter(t -> done.getOrDefault(t.id(), false)).mapToInt(TaskInfo::points).sum();
            String progress = done.isEmpty() ? "not tested yet"
                    : String.format(Locale.ROOT, "%d/%d tasks, %d/%d points", passed, exercise.tasks().size(), earned,
                            exercise.possiblePoints());
            Optional<Staleness.Verdict> stale = done.isEmpty() ? Optional.empty() : staleness.of(catalog);
            out.append(String.format(Locale.ROOT, row, id, exercise.level().title(), exercise.tasks().size(),
                    exercise.possiblePoints(), stale.isPresent() ? progress + " (stale)" : progress));
            stale.ifPresent(v -> out.append("    ! ").append(v.why()).append("\n      run: ").append(v.run()).append('\n'));
            for (TaskInfo task : exercise.tasks()) {
                String mark = !done.containsKey(task.id()) ? " " : done.get(task.id()) ? "x" : "-";
                out.append(String.format(Locale.ROOT, "    [%s] %-28s %-13s %d  %s%n", mark, task.id(), task.level().title(),
                        task.points(), task.title()));
            }
        }
        return out.append('\n').append(LEGEND).append('\n').toString();
    }

    private static Optional<Element> parse(Path xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return Optional.of(factory.newDocumentBuilder().parse(xml.toFile()).getDocumentElement());
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            return Optional.empty(); // a report being written right now; the next run reads it
        }
    }

    private Progress() {
    }
}
