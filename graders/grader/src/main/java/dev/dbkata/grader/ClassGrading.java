package dev.dbkata.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.dbkata.grader.format.HtmlReport;
import dev.dbkata.grader.format.ReportFormat;

/**
 * {@code kata grade --submissions DIR|FILE [--jobs N] [--output DIR]}: grades a whole class. DIR
 * holds one learner's fork per sub-folder; FILE lists forks, one a line (a path, relative to the
 * file, or a git URL, cloned into {@code OUTPUT/forks}). Learners are graded {@code --jobs} at a
 * time, each by a {@link Grader} of its own (its own workspace, a JVM per exercise), so one fork
 * cannot touch another's. Per learner the output folder keeps {@code learners/NAME.json},
 * {@code .html}, {@code .log} and {@code .properties} (a digest of what was graded): a re-run
 * skips a learner whose fork has not changed since, so an interrupted class resumes where it
 * stopped. A fork that cannot be graded at all (no {@code exercises/} folder, a clone that
 * fails) gets a row with the reason; the run goes on. The class report is written at the end:
 * {@code class.csv}, {@code class.json}, {@code class.html}.
 */
final class ClassGrading {

    /** A learner's fork: its name in the report, where it was given, and where its checkout is. */
    record Fork(String learner, String source, Path checkout, boolean remote) {
    }

    private final KataRepository repository;
    private final Arguments arguments;
    private final Path output;
    private final PrintStream progress;

    ClassGrading(KataRepository repository, Arguments arguments, Path output, PrintStream progress) {
        this.repository = repository;
        this.arguments = arguments;
        this.output = output.toAbsolutePath().normalize();
        this.progress = progress;
    }

    /** Main's entry: {@code grade ...} with {@code --submissions} among the arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>();
        Path submissions = null;
        for (int i = 0; i < args.length; i++) {
            if ("--submissions".equals(args[i])) {
                if (i + 1 >= args.length) {
                    throw new GradingException("--submissions needs a folder of forks, or a file listing them");
                }
                submissions = Path.of(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        Arguments arguments = Arguments.parse(rest.toArray(String[]::new));
        if (arguments.help()) {
            out.println(Arguments.USAGE + "\n\n" + BootcampCommands.USAGE);
            return Main.OK;
        }
        if (arguments.submission() != null || !"exercises".equals(arguments.targetName())) {
            throw new GradingException("--submissions grades learners' forks; it does not go with --submission or --target");
        }
        if (arguments.format() != ReportFormat.TEXT || arguments.failUnder() != null) {
            throw new GradingException("--submissions writes class.csv, class.json and class.html (and each learner's json"
                    + " and html) into --output DIR; --format and --fail-under do not apply");
        }
        Path folder = arguments.output() != null ? arguments.output() : Path.of("class-report");
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new GradingException("--output " + folder + " is a file; with --submissions it is the folder the class report goes in");
        }
        KataRepository repository = new KataRepository(arguments.repo());
        ClassGrading grading = new ClassGrading(repository, arguments, folder, err);
        ClassReport report = grading.grade(grading.forks(submissions));
        Path html = report.writeTo(grading.output);
        out.print(summary(report));
        err.println("Class report written to " + html.getParent().resolve("class.{csv,json,html}"));
        return Main.OK;
    }

    /** The forks a folder or a list file names, each with a distinct learner name. */
    List<Fork> forks(Path submissions) {
        List<Fork> forks = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        if (Files.isDirectory(submissions)) {
            try (Stream<Path> children = Files.list(submissions)) {
                for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
                    String name = child.getFileName().toString();
                    if (!name.startsWith(".")) {
                        forks.add(new Fork(unique(learnerName(name), seen), child.toString(), child, false));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not list " + submissions, e);
            }
        } else if (Files.isRegularFile(submissions)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(submissions);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + submissions, e);
            }
            Path base = submissions.toAbsolutePath().getParent();
            for (String raw : lines) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                boolean remote = line.contains("://") || line.startsWith("git@");
                String last = line.replaceAll("[/\\\\]+$", "").replaceAll("\\.git$", "");
                last = last.substring(Math.max(last.lastIndexOf('/'), last.lastIndexOf(':')) + 1);
                String learner = unique(learnerName(last), seen);
                Path checkout = remote ? output.resolve("forks").resolve(learner) : base.resolve(line).normalize();
                forks.add(new Fork(learner, line, checkout, remote));
            }
        } else {
            throw new GradingException("--submissions " + submissions + " is neither a folder of forks nor a file listing them");
        }
        if (forks.isEmpty()) {
            throw new GradingException("--submissions " + submissions + " names no fork");
        }
        return forks;
    }

    static String learnerName(String raw) {
        String name = raw.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[.-]+", "");
        return name.isEmpty() ? "learner" : name;
    }

    private static String unique(String name, Map<String, Integer> seen) {
        int count = seen.merge(name, 1, Integer::sum);
        return count == 1 ? name : name + "-" + count;
    }

    ClassReport grade(List<Fork> forks) {
        List<String> exercises = arguments.exercises().isEmpty() ? repository.exercises() : arguments.exercises();
        progress.printf(Locale.ROOT, "Grading %d learners, %d at a time, into %s%n", forks.size(), arguments.jobs(), output);
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(arguments.jobs(), runnable -> {
            Thread thread = new Thread(runnable, "class-grading");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<ClassReport.Row>> futures = new ArrayList<>();
            for (Fork fork : forks) {
                futures.add(pool.submit(() -> {
                    long learnerStart = System.nanoTime();
                    Outcome outcome = gradeOne(fork, exercises);
                    synchronized (progress) {
                        ClassReport.Row row = outcome.row();
                        String what = row.report() == null ? "not graded: " + firstLine(row.problem())
                                : String.format(Locale.ROOT, "%d/%d points", row.report().score().earned(),
                                        row.report().score().possible());
                        progress.printf(Locale.ROOT, "[%d/%d] %-24s %s  %s (%s elapsed)%n", done.incrementAndGet(),
                                forks.size(), fork.learner(), what, outcome.reused() ? "unchanged since the last run, kept"
                                        : String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - learnerStart) / 1e9),
                                Grader.elapsed(start));
                    }
                    return outcome.row();
                }));
            }
            List<ClassReport.Row> rows = new ArrayList<>();
            for (Future<ClassReport.Row> future : futures) {
                rows.add(Grader.await(future));
            }
            return new ClassReport(rows);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Outcome(ClassReport.Row row, boolean reused) {
    }

    /** One learner, never an exception: whatever goes wrong becomes their row's problem. */
    private Outcome gradeOne(Fork fork, List<String> exercises) {
        Path learners = output.resolve("learners");
        Path state = learners.resolve(fork.learner() + ".properties");
        Path json = learners.resolve(fork.learner() + ".json");
        Path html = learners.resolve(fork.learner() + ".html");
        Path log = learners.resolve(fork.learner() + ".log");
        String details = "learners/" + fork.learner() + ".html";
        try {
            Files.createDirectories(learners);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + learners, e);
        }
        try (PrintStream logStream = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            if (fork.remote()) {
                clone(fork, logStream);
            }
            String fingerprint = fingerprint(fork.checkout(), exercises) + "/" + fingerprintOptions();
            Properties previous = load(state);
            if (fingerprint.equals(previous.getProperty("fingerprint"))) {
                Report report = Files.isRegularFile(json) ? JsonReportReader.read(json) : null;
                String problem = report != null ? problems(report) : previous.getProperty("problem");
                if (report != null || problem != null) {
                    return new Outcome(new ClassReport.Row(fork.learner(), fork.source(), report, problem,
                            report == null ? null : details), true);
                }
            }
            Files.deleteIfExists(state);
            Report report;
            try {
                Target target = Target.submission(fork.checkout());
                report = new Grader(logStream).grade(new Grader.Request(repository, target, exercises,
                        arguments.testTimeout(), arguments.exerciseTimeout(), arguments.repeat(), 1));
            } catch (GradingException e) {
                String problem = e.getMessage().replaceFirst("^--submission ", "the fork ");
                save(state, fingerprint, fork, problem);
                Files.deleteIfExists(json);
                return new Outcome(new ClassReport.Row(fork.learner(), fork.source(), null, problem, null), false);
            }
            String problems = problems(report);
            ClassReport.write(json, ReportFormat.JSON.render(report));
            // Hint links point into this repository: the learner's page lives in the output folder.
            ClassReport.write(html, new HtmlReport(repository.root().toUri().toString())
                    .render(report, "Database Scaling Kata: " + fork.learner()));
            save(state, fingerprint, fork, null);
            return new Outcome(new ClassReport.Row(fork.learner(), fork.source(), report, problems, details), false);
        } catch (GradingException e) {
            return new Outcome(new ClassReport.Row(fork.learner(), fork.source(), null, e.getMessage(), null), false);
        } catch (IOException | RuntimeException e) {
            return new Outcome(new ClassReport.Row(fork.learner(), fork.source(), null, "could not be graded: " + e, null),
                    false);
        }
    }

    /** The exercises that could not be judged (a compile error...), one per line; null when none. */
    private static String problems(Report report) {
        List<String> lines = report.exercises().stream().filter(e -> e.problem() != null)
                .map(e -> e.exercise().id() + ": " + firstLine(e.problem())).toList();
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("");
    }

    /**
     * A digest of what grading a fork depends on from the fork's side: every file under its
     * {@code exercises/*}{@code /src/main}, and which exercises and how many runs were asked for.
     */
    static String fingerprint(Path checkout, List<String> exercises) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update(String.join(",", exercises).getBytes(StandardCharsets.UTF_8));
        Path root = checkout.resolve("exercises");
        if (Files.isDirectory(root)) {
            for (String exercise : exercises) {
                Path main = root.resolve(exercise).resolve("src/main");
                if (!Files.isDirectory(main)) {
                    digest.update(("missing " + exercise).getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path file : files.sorted().toList()) {
                        digest.update(root.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                        if (Files.isSymbolicLink(file)) {
                            digest.update(("-> " + Files.readSymbolicLink(file)).getBytes(StandardCharsets.UTF_8));
                        } else if (Files.isRegularFile(file)) {
                            digest.update(Files.readAllBytes(file));
                        }
                    }
                }
            }
        } else {
            digest.update("no exercises folder".getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    String fingerprintOptions() {
        return arguments.repeat() + "/" + arguments.testTimeout().toSeconds() + "/" + arguments.exerciseTimeout().toSeconds();
    }

    private void save(Path state, String fingerprint, Fork fork, String problem) {
        Properties properties = new Properties();
        properties.setProperty("fingerprint", fingerprint);
        properties.setProperty("source", fork.source());
        if (problem != null) {
            properties.setProperty("problem", problem);
        }
        java.io.StringWriter text = new java.io.StringWriter();
        try {
            properties.store(text, "kata grade --submissions: what was graded for this learner (delete it to grade again)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClassReport.write(state, text.toString());
    }

    private static Properties load(Path state) {
        Properties properties = new Properties();
        if (Files.isRegularFile(state)) {
            try (var reader = Files.newBufferedReader(state)) {
                properties.load(reader);
            } catch (IOException e) {
                // Unreadable: the learner is graded again.
            }
        }
        return properties;
    }

    /** A fresh shallow clone of the fork's default branch (or the existing one brought up to date). */
    private static void clone(Fork fork, PrintStream log) throws IOException {
        Path checkout = fork.checkout();
        if (Files.isDirectory(checkout.resolve(".git"))) {
            git(log, checkout, "git", "fetch", "--depth", "1", "--quiet", "origin", "HEAD");
            git(log, checkout, "git", "reset", "--hard", "--quiet", "FETCH_HEAD");
        } else {
            FileCopies.deleteTree(checkout);
            Files.createDirectories(checkout.getParent());
            git(log, checkout.getParent(), "git", "clone", "--depth", "1", "--quiet", fork.source(), checkout.toString());
        }
    }

    private static void git(PrintStream log, Path folder, String... command) throws IOException {
        Path output = Files.createTempFile("kata-git-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("GIT_TERMINAL_PROMPT", "0");
            Process process = builder.start();
            boolean finished = process.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            String said = Files.readString(output).strip();
            log.println(String.join(" ", command) + (said.isEmpty() ? "" : "\n" + said));
            if (!finished || process.exitValue() != 0) {
                throw new GradingException("could not fetch the fork (" + String.join(" ", command.length > 1
                        ? List.of(command[0], command[1]) : List.of(command)) + (finished ? " failed" : " took over 5 min")
                        + (said.isEmpty() ? "" : ": " + firstLine(said)) + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradingException("interrupted while fetching the fork", e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static String summary(ClassReport report) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nClass report: %d learners%n", report.rows().size()));
        for (ClassReport.Row row : report.rows()) {
            if (row.report() == null) {
                out.append(String.format(Locale.ROOT, "  %-24s not graded: %s%n", row.learner(), firstLine(row.problem())));
            } else {
                Report.Points score = row.report().score();
                out.append(String.format(Locale.ROOT, "  %-24s %4d/%-4d %5.1f%%%s%n", row.learner(), score.earned(),
                        score.possible(), score.percent(), row.problem() == null ? "" : "  (" + firstLine(row.problem()) + ")"));
            }
        }
        return out.toString();
    }
}
