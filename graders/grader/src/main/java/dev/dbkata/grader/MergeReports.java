package dev.dbkata.grader;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kata merge-reports REPORT.json... --out DIR}: the class report (class.csv, class.json,
 * class.html) from learners' JSON reports, each graded on its own (by the matrix workflow, one
 * job per learner). A learner is named after the report's file ({@code alice.json}), or after its
 * folder when the file is called {@code grade.json} ({@code reports/alice/grade.json}, as
 * {@code actions/download-artifact} lays artifacts out). A folder given instead of a file stands
 * for every {@code *.json} under it. A report that cannot be read costs that learner's row only.
 */
final class MergeReports {

    static final String USAGE = "usage: kata merge-reports REPORT.json|FOLDER... --out DIR";

    private MergeReports() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        List<Path> inputs = new ArrayList<>();
        Path folder = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ("--out".equals(arg) || "--output".equals(arg)) {
                if (i + 1 >= args.size()) {
                    throw new GradingException(arg + " needs a folder\n" + USAGE);
                }
                folder = Path.of(args.get(++i));
            } else if ("--help".equals(arg) || "-h".equals(arg)) {
                out.println(USAGE);
                return Main.OK;
            } else if (arg.startsWith("--")) {
                throw new GradingException("unknown option " + arg + "\n" + USAGE);
            } else {
                inputs.add(Path.of(arg));
            }
        }
        if (inputs.isEmpty() || folder == null) {
            throw new GradingException(USAGE);
        }
        ClassReport report = new ClassReport(rows(expand(inputs)));
        Path html = report.writeTo(folder);
        out.print(ClassGrading.summary(report));
        err.println("Class report written to " + html.getParent().resolve("class.{csv,json,html}"));
        return Main.OK;
    }

    private static List<Path> expand(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                files.addAll(FileCopies.filesEndingWith(input, ".json").stream().sorted().toList());
            } else if (Files.isRegularFile(input)) {
                files.add(input);
            } else {
                throw new GradingException("no such report: " + input);
            }
        }
        if (files.isEmpty()) {
            throw new GradingException("no JSON report in " + inputs);
        }
        return files;
    }

    static List<ClassReport.Row> rows(List<Path> files) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<ClassReport.Row> rows = new ArrayList<>();
        for (Path file : files) {
            String learner = learner(file);
            int count = seen.merge(learner, 1, Integer::sum);
            if (count > 1) {
                learner += "-" + count;
            }
            try {
                Report report = JsonReportReader.read(file);
                String problems = String.join("\n", report.exercises().stream().filter(e -> e.problem() != null)
                        .map(e -> e.exercise().id() + ": " + e.problem().strip().lines().findFirst().orElse("")).toList());
                rows.add(new ClassReport.Row(learner, file.toString(), report, problems.isEmpty() ? null : problems, null));
            } catch (GradingException | java.io.UncheckedIOException e) {
                rows.add(new ClassReport.Row(learner, file.toString(), null, e.getMessage(), null));
            }
        }
        return rows;
    }

    static String learner(Path file) {
        String name = file.getFileName().toString().replaceAll("\\.json$", "");
        Path parent = file.toAbsolutePath().getParent();
        if ("grade".equals(name) && parent != null && parent.getFileName() != null) {
            name = parent.getFileName().toString().replaceFirst("^kata-grade-", "");
        }
        return ClassGrading.learnerName(name);
    }
}
