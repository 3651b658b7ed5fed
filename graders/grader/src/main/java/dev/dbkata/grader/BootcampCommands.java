package dev.dbkata.grader;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The bootcamp's and the learner's extra commands, each in a class of its own; {@link Main}
 * hands them over here before parsing its own options:
 * <pre>
 * grade --submissions DIR|FILE [EXERCISE...] [--jobs N] [--output DIR]   {@link ClassGrading}
 * merge-reports REPORT.json|FOLDER... --out DIR                          {@link MergeReports}
 * export-learner DIR                                                    {@link ExportLearner}
 * reset EXERCISE [TASK] [--yes]                                         {@link ResetCommand}
 * solution EXERCISE TASK                                                {@link SolutionCommand}
 * </pre>
 */
final class BootcampCommands {

    static final String USAGE = """
            usage: kata grade --submissions DIR|FILE [EXERCISE...] [--jobs N] [--output DIR] [--repeat N]
                   kata merge-reports REPORT.json|FOLDER... --out DIR
                   kata export-learner DIR
                   kata reset EXERCISE [TASK] [--yes]
                   kata solution EXERCISE TASK""";

    private BootcampCommands() {
    }

    /** Whether these arguments are one of the commands here. */
    static boolean handles(String[] args) {
        if (args.length == 0) {
            return false;
        }
        return switch (args[0]) {
            case "merge-reports", "export-learner", "reset", "solution" -> true;
            case "grade" -> Arrays.asList(args).contains("--submissions");
            default -> false;
        };
    }

    static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        List<String> rest = List.of(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "grade" -> ClassGrading.run(args, out, err);
                case "merge-reports" -> MergeReports.run(rest, out, err);
                case "export-learner" -> {
                    Options options = Options.of(rest, 1, "usage: kata export-learner DIR");
                    int files = new ExportLearner(options.repository()).export(Path.of(options.names().get(0)));
                    out.println("Exported " + files + " files to " + options.names().get(0) + " (no solutions/, quality/ or"
                            + " .ci/). Grade it with the canonical copy: ./kata grade --submission " + options.names().get(0));
                    yield Main.OK;
                }
                case "reset" -> {
                    Options options = Options.of(rest, -1, null);
                    yield new ResetCommand(options.repository(), out, in).run(options.names());
                }
                case "solution" -> {
                    Options options = Options.of(rest, 2, "usage: kata solution EXERCISE TASK");
                    try {
                        out.println(SolutionCommand.show(options.repository(),
                                options.names().get(0).replaceAll("/+$", "").replaceFirst("^(\\./)?exercises/", ""),
                                options.names().get(1)));
                        yield Main.OK;
                    } catch (SolutionCommand.NotYet e) {
                        err.println("kata: " + e.getMessage());
                        yield Main.FAILED;
                    }
                }
                default -> throw new GradingException("unknown command " + args[0]);
            };
        } catch (GradingException e) {
            err.println("kata: " + e.getMessage());
            return Main.UNUSABLE;
        } catch (java.io.UncheckedIOException e) {
            err.println("kata: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            return Main.UNUSABLE;
        }
    }

    /** {@code --repo DIR} taken out of the arguments; the rest are names (and flags, for reset). */
    private record Options(KataRepository repository, List<String> names) {

        static Options of(List<String> args, int expected, String usage) {
            Path repo = Path.of(System.getProperty("kata.root", "."));
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                if ("--repo".equals(args.get(i)) && i + 1 < args.size()) {
                    repo = Path.of(args.get(++i));
                } else {
                    names.add(args.get(i));
                }
            }
            if (expected >= 0 && (names.size() != expected || names.stream().anyMatch(n -> n.startsWith("-")))) {
                throw new GradingException(usage);
            }
            return new Options(new KataRepository(repo), names);
        }
    }
}
