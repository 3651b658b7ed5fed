package dev.dbkata.grader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.grader.format.ReportFormat;

/**
 * The grader's command line, parsed: the command, the exercise names (or other words) after it,
 * and the options, each checked with a message that says what is wrong.
 *
 * @param help            {@code --help} or {@code -h} was given: print {@link #USAGE}, do nothing else
 * @param submission      {@code --submission DIR}, or {@code null}
 * @param targetName      {@code --target}: {@code exercises} or {@code solutions}
 */
record Arguments(String command, List<String> names, boolean help, Path repo, String targetName, Path submission,
        ReportFormat format, Path output, Double failUnder, int repeat, int jobs, Duration testTimeout,
        Duration exerciseTimeout, boolean mistakes) {

    /** The limit per test of {@code verify --mistakes}: a mistake must be caught by a check within seconds. */
    static final Duration MISTAKE_TEST_TIMEOUT = Duration.ofSeconds(20);

    static final String USAGE = """
            usage: kata grade  [EXERCISE...] [--target exercises|solutions] [--submission DIR]
                               [--format text|json|markdown|junit|exercism|html] [--output FILE]
                               [--fail-under PCT] [--repeat N] [--jobs N]
                               [--test-timeout S] [--exercise-timeout S]
                   kata verify [EXERCISE...] [--repeat N] [--jobs N]
                   kata verify --mistakes [EXERCISE...] [--jobs N] [--test-timeout S]
                   kata list
                   kata hint EXERCISE [TASK]
                   kata new NN-slug "Title" BEGINNER|INTERMEDIATE|ADVANCED

            options:
              --target exercises|solutions   whose code: the skeletons (default) or the reference solutions
              --submission DIR               grade the exercises of another checkout (a learner's fork)
              --format FORMAT                text (default), json, markdown, junit, exercism or html
              --output FILE                  write the report there (the text report still goes to the screen)
              --fail-under PCT               exit 1 when the score is below PCT percent
              --repeat N                     run each exercise N times; a task passes only if it passes every time
              --jobs N                       grade N exercises (or mistakes) at once (default 1)
              --test-timeout S               limit per test, in seconds (default 30; 20 with --mistakes)
              --mistakes                     verify: apply each solutions/NN/mistakes/*.patch to a copy of the
                                             reference and check its task's tests fail (exit 1 when one passes)
              --exercise-timeout S           limit per exercise, in seconds (default 180)
              --repo DIR                     the kata repository (default: the one the kata script is in)
              --ascii                        plain ASCII output (the default where LANG/LC_ALL/LC_CTYPE is not UTF-8)
              --verbose, -v                  say more: why this database backend, each Docker endpoint tried
              --help, -h                     this text (kata COMMAND --help: that command's part)""";

    static Arguments parse(String[] args) {
        if (args.length == 0) {
            throw new GradingException(USAGE);
        }
        String command = args[0];
        List<String> names = new ArrayList<>();
        // --help wins wherever it stands, even where an option expects its value (grade --output --help).
        boolean help = Help.asked(args);
        if (help) {
            args = new String[] {command, "--help"}; // nothing else is read, so nothing else can be wrong
        }
        Path repo = Path.of(System.getProperty("kata.root", "."));
        String targetName = "exercises";
        Path submission = null;
        ReportFormat format = ReportFormat.TEXT;
        Path output = null;
        Double failUnder = null;
        int repeat = 1;
        int jobs = 1;
        Duration testTimeout = null;
        boolean mistakes = false;
        Duration exerciseTimeout = Duration.ofSeconds(180);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg)) {
                help = true;
                continue;
            }
            if ("--mistakes".equals(arg)) {
                mistakes = true;
                continue;
            }
            if (Terminal.FLAGS.contains(arg)) {
                continue; // --ascii, --verbose: how to print, which Terminal reads from the same words
            }
            if (!arg.startsWith("--")) {
                names.add(arg);
                continue;
            }
            if (!Help.options(USAGE).contains(arg)) {
                throw new GradingException(Help.unknownOption(command, arg));
            }
            if (i + 1 >= args.length) {
                throw new GradingException(arg + " needs a value\n" + Help.of(command));
            }
            String value = args[++i];
            switch (arg) {
                case "--repo" -> repo = Path.of(value);
                case "--target" -> targetName = value;
                case "--submission" -> submission = Path.of(value);
                case "--format" -> format = ReportFormat.parse(value);
                case "--output" -> output = Path.of(value);
                case "--fail-under" -> failUnder = number(arg, value, 0, 100);
                case "--repeat" -> repeat = (int) whole(arg, value, 1, 100);
                case "--jobs" -> jobs = (int) whole(arg, value, 1, 8);
                case "--test-timeout" -> testTimeout = Duration.ofSeconds(whole(arg, value, 1, 3600));
                case "--exercise-timeout" -> exerciseTimeout = Duration.ofSeconds(whole(arg, value, 5, 36000));
                default -> throw new GradingException(Help.unknownOption(command, arg));
            }
        }
        if (!"exercises".equals(targetName) && !"solutions".equals(targetName)) {
            throw new GradingException("--target is exercises or solutions, not " + targetName);
        }
        if (submission != null && "solutions".equals(targetName)) {
            throw new GradingException("--submission grades a learner's exercises; it does not go with --target solutions");
        }
        if (mistakes && !"verify".equals(command)) {
            throw new GradingException("--mistakes goes with verify: kata verify --mistakes [EXERCISE...]");
        }
        if (testTimeout == null) {
            testTimeout = mistakes ? MISTAKE_TEST_TIMEOUT : Duration.ofSeconds(30);
        }
        return new Arguments(command, List.copyOf(names), help, repo, targetName, submission, format, output, failUnder,
                repeat, jobs, testTimeout, exerciseTimeout, mistakes);
    }

    /** The names given as exercises: {@code exercises/04-partitioning/} is {@code 04-partitioning}. */
    List<String> exercises() {
        return names.stream()
                .map(n -> n.replace('\\', '/').replaceAll("/+$", "").replaceFirst("^(\\./)?(exercises|solutions)/", ""))
                .toList();
    }

    /** Whose code {@code grade} grades. */
    Target target() {
        if (submission != null) {
            return Target.submission(submission);
        }
        return "solutions".equals(targetName) ? Target.solutions() : Target.exercises();
    }

    private static long whole(String option, String value, long min, long max) {
        double number = number(option, value, min, max);
        if (number != Math.rint(number)) {
            throw new GradingException(option + " takes a whole number from " + min + " to " + max + ", not " + value);
        }
        return (long) number;
    }

    private static double number(String option, String value, double min, double max) {
        try {
            double number = Double.parseDouble(value);
            if (number < min || number > max) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new GradingException(option + " takes a number from " + (long) min + " to " + (long) max + ", not " + value);
        }
    }
}
