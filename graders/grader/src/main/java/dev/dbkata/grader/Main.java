package dev.dbkata.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.dbkata.grader.format.ReportFormat;

/**
 * The grader's command line, which the {@code kata} script calls:
 * <pre>
 * grade  [EXERCISE...] [--target exercises|solutions] [--submission DIR] [--format text|json|markdown|junit|exercism]
 *        [--output FILE] [--fail-under PCT] [--repeat N] [--jobs N] [--test-timeout SECONDS] [--exercise-timeout SECONDS]
 * verify [EXERCISE...] [--repeat N] [--jobs N]
 * verify --mistakes [EXERCISE...] [--jobs N] [--test-timeout SECONDS]
 * list
 * hint   EXERCISE [TASK]
 * new    NN-slug "Title" LEVEL
 * </pre>
 * Each command takes {@code --help}. 
 * Exit status: 0 done; 1 below {@code --fail-under}, or {@code verify} found offenders; 2 the
 * command could not run (its message says why). {@code verify --mistakes} exits 1 when a mistake
 * is not caught by a failed check of its task (or cannot be graded).
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int UNUSABLE = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final java.util.Map<String, String> env;

    Main(PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        Terminal terminal = Terminal.of(System.getenv(), args);
        if (terminal.verbose()) {
            System.setProperty(Terminal.VERBOSE_PROPERTY, "true");
        }
        PrintStream out = terminal.stream(System.out);
        PrintStream err = terminal.stream(System.err);
        int status = new Main(out, err, System.getenv()).run(args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** The names a test or watch was given, with {@code -v} when the words asked for it (Arguments keeps it apart). */
    private List<String> loopWords(Arguments arguments, String[] args) {
        List<String> words = new java.util.ArrayList<>(arguments.names());
        if (Terminal.of(env, args).verbose()) {
            words.add("-v");
        }
        return words;
    }

    int run(String[] args) {
        if (BootcampCommands.handles(args) && !Help.asked(args)) {
            return BootcampCommands.run(args, out, err, System.in);
        }
        try {
            Arguments arguments = Arguments.parse(args);
            if (arguments.help()) {
                out.println(Help.of(Arguments.USAGE + "\n\n" + BootcampCommands.USAGE, arguments.command()));
                return OK;
            }
            KataRepository repository = new KataRepository(arguments.repo());
            return switch (arguments.command()) {
                case "grade" -> grade(repository, arguments);
                case "verify" -> verify(repository, arguments);
                case "test" -> new QuickTest(repository, out, err, env).run(loopWords(arguments, args), arguments.testTimeout());
                case "watch" -> new Watch(repository, out, err, env).run(loopWords(arguments, args), arguments.testTimeout());
                case "list" -> {
                    Names.requireExercises(repository, arguments.exercises());
                    out.print(Progress.table(repository,
                            arguments.exercises().isEmpty() ? repository.exercises() : arguments.exercises()));
                    yield OK;
                }
                case "names" -> Names.check(repository, arguments.exercises());
                case "hint" -> {
                    List<String> names = arguments.exercises();
                    if (names.isEmpty() || names.size() > 2) {
                        throw new GradingException("usage: kata hint EXERCISE [TASK]");
                    }
                    out.println(Hints.next(repository, names.get(0), names.size() == 2 ? names.get(1) : null));
                    yield OK;
                }
                case "new" -> {
                    if (arguments.names().size() != 3) {
                        throw new GradingException("usage: kata new NN-slug \"Title\" BEGINNER|INTERMEDIATE|ADVANCED");
                    }
                    ExerciseScaffold.Created created = new ExerciseScaffold(repository).create(arguments.names().get(0),
                            arguments.names().get(1), arguments.names().get(2));
                    out.print(created.describe());
                    yield OK;
                }
                default -> throw new GradingException("unknown command " + arguments.command() + "\n" + Arguments.USAGE);
            };
        } catch (GradingException e) {
            err.println("kata: " + e.getMessage());
            return UNUSABLE;
        } catch (UncheckedIOException e) {
            err.println("kata: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            return UNUSABLE;
        }
    }

    private int grade(KataRepository repository, Arguments arguments) {
        if (arguments.output() != null) {
            checkWritable(arguments.output());
        }
        Report report = new Grader(err).grade(request(repository, arguments, arguments.target()));
        String rendered = arguments.format().render(report);
        if (arguments.output() != null) {
            write(arguments.output(), rendered);
            if (arguments.format() != ReportFormat.TEXT) {
                out.print(ReportFormat.TEXT.render(report));
            }
            err.println("Report written to " + arguments.output());
        } else {
            out.print(rendered);
        }
        Report.Points score = report.score();
        if ("true".equals(env.get("GITHUB_ACTIONS"))) {
            // GitHub Classroom takes the grade from a notice annotation reading "Points X/Y".
            out.printf(Locale.ROOT, "::notice title=Autograding complete::Points %d/%d%n", score.earned(), score.possible());
        }
        String summary = env.get("GITHUB_STEP_SUMMARY");
        if (summary != null && !summary.isBlank()) {
            write(Path.of(summary), ReportFormat.MARKDOWN.render(report), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        if (arguments.failUnder() != null && score.percent() < arguments.failUnder()) {
            err.printf(Locale.ROOT, "kata: score %.1f%% is below --fail-under %.1f%%%n", score.percent(), arguments.failUnder());
            return FAILED;
        }
        return OK;
    }

    private int verify(KataRepository repository, Arguments arguments) {
        Names.requireExercises(repository, arguments.exercises());
        if (arguments.mistakes()) {
            return verifyMistakes(repository, arguments);
        }
        err.println("Verifying the reference solutions (every task must pass) ...");
        Report solutions = new Grader(err).grade(request(repository, arguments, Target.solutions()));
        err.println("Verifying the skeletons (every task must fail, for want of the learner's work) ...");
        Report skeletons = new Grader(err).grade(request(repository, arguments, Target.exercises()));
        List<String> offenders = Verification.offenders(repository, solutions, skeletons);
        if (offenders.isEmpty()) {
            int tasks = skeletons.exercises().stream().mapToInt(e -> e.tasks().size()).sum();
            out.println("kata verify: " + RepositoryLayout.count(skeletons.exercises().size(), "exercise") + ", "
                    + RepositoryLayout.count(tasks, "task") + ": every reference passes, every skeleton fails.");
            return OK;
        }
        out.println("kata verify found " + offenders.size() + " problem(s):");
        offenders.forEach(o -> out.println("  - " + o));
        return FAILED;
    }

    private int verifyMistakes(KataRepository repository, Arguments arguments) {
        List<String> exercises = arguments.exercises().isEmpty() ? repository.exercises()
                : List.copyOf(new java.util.LinkedHashSet<>(arguments.exercises()));
        err.println("Verifying the mistakes (each must fail its task's tests; limit per test "
                + arguments.testTimeout().toSeconds() + " s) ...");
        List<MistakeVerification.Outcome> outcomes = new MistakeVerification(repository, arguments.testTimeout(),
                arguments.exerciseTimeout(), arguments.jobs(), err).verify(exercises);
        int problems = MistakeVerification.report(exercises, repository, outcomes, out);
        return problems == 0 ? OK : FAILED;
    }

    private static Grader.Request request(KataRepository repository, Arguments arguments, Target target) {
        List<String> exercises = arguments.exercises().isEmpty() ? repository.exercises() : arguments.exercises();
        return new Grader.Request(repository, target, exercises, arguments.testTimeout(), arguments.exerciseTimeout(),
                arguments.repeat(), arguments.jobs());
    }

    /** Fails before grading, not after minutes of it, when the report could not be saved. */
    private static void checkWritable(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new GradingException("--output " + file + ": cannot create " + parent + " (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(parent) || Files.isDirectory(file) || (Files.exists(file) && !Files.isWritable(file))) {
            throw new GradingException("--output " + file + " cannot be written");
        }
    }

    private static void write(Path file, String text, java.nio.file.OpenOption... options) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text, options);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
