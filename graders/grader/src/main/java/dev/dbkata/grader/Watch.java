package dev.dbkata.grader;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.WarmTopologies;

/**
 * {@code kata watch [EXERCISE] [-v]}: runs the task being worked on whenever the learner saves a
 * file under {@code exercises/*}{@code /src/main}, in this one JVM, whose database servers stay up
 * between runs ({@link WarmTopologies}: mended and emptied, not restarted) while the code and the
 * tests get a fresh class loader each run. When the task passes it moves on to the next one. Keys:
 * {@code h} the next hint, {@code r} (or Enter) run again, {@code q} quit, which stops every server.
 *
 * <p>Exit status: 0 after {@code q}; {@value #RESTART} asks the {@code kata} script to start the
 * watch again in a new JVM, because a test ran out of time and its thread may still be running
 * here (Java cannot stop it).
 */
final class Watch {

    /** The exit status that asks the kata script for a fresh JVM. */
    static final int RESTART = 75;
    /** How long saving must have stopped before a run starts: editors write a file in several steps. */
    private static final Duration QUIET = Duration.ofMillis(40);

    /** Something the loop reacts to: a save in an exercise, a key, the end of the keyboard. */
    private record Event(String exercise, int key) {
        static final Event KEYBOARD_CLOSED = new Event(null, -1);
    }

    private final KataRepository repository;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    Watch(KataRepository repository, PrintStream out, PrintStream err, Map<String, String> env) {
        this.repository = repository;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    int run(List<String> words, Duration perTest) {
        QuickTest.Request request = QuickTest.Request.of(words);
        if (request.names().size() > 1) {
            throw new GradingException("usage: kata watch [EXERCISE] [-v]");
        }
        String exercise = request.names().isEmpty() ? firstUnfinishedExercise()
                : QuickTest.exerciseName(repository, request.names().get(0));
        LoopOutput output = new LoopOutput(QuickTest.terminal(out, env), LoopOutput.Marks.forLocale(env),
                request.verbose());
        TaskLoop loop = new TaskLoop(repository, output, perTest, request.verbose() ? err : QuickTest.discard());
        boolean poll = env.get("KATA_WATCH_POLL") != null && !env.get("KATA_WATCH_POLL").isEmpty();
        WarmTopologies.enable();
        Terminal terminal = Terminal.keysAtOnce();
        try (SourceChanges changes = new SourceChanges(repository.root().resolve("exercises"),
                changed -> events.add(new Event(changed, 0)), poll)) {
            changes.start();
            startKeyboard();
            stopWithParent();
            output.line("Watching exercises/*/src/main (" + changes.how() + "). Keys: h hint, r run again, q quit.");
            return loop(loop, output, exercise);
        } finally {
            terminal.restore();
            WarmTopologies.closeAll();
        }
    }

    private int loop(TaskLoop loop, LoopOutput output, String startExercise) {
        String exercise = startExercise;
        TaskCatalog catalog = repository.catalog(exercise);
        TaskInfo task = firstUnfinishedTask(catalog, Optional.empty()).orElse(catalog.exercise().tasks().get(0));
        boolean run = true;
        while (true) {
            if (run) {
                output.line("");
                TaskLoop.Result result = loop.run(catalog, Optional.of(task));
                timing(result);
                if (result.timedOut()) {
                    output.line("A test ran out of time and its thread may still be running: starting the watch again"
                            + " with fresh servers ...");
                    return RESTART;
                }
                Optional<TaskInfo> next = result.passed() ? firstUnfinishedTask(catalog, Optional.of(task)) : Optional.empty();
                if (result.passed() && next.isPresent()) {
                    output.line(task.id() + " passes. On to the next task: " + next.get().id() + " ("
                            + next.get().title() + ")");
                    task = next.get();
                    continue;
                }
                if (result.passed()) {
                    output.line("Every task of " + exercise + " passes. Your score: ./kata grade " + exercise
                            + "; the next exercise: ./kata watch " + nextExercise(exercise).orElse("(none left)"));
                }
                output.line("Waiting for a save under exercises/" + exercise + "/src/main ... (h hint, r run again,"
                        + " q quit)");
                run = false;
            }
            Event event = take();
            if (event.exercise() != null) {
                settle();
                if (!event.exercise().equals(exercise)) {
                    exercise = event.exercise();
                    catalog = repository.catalog(exercise);
                    task = firstUnfinishedTask(catalog, Optional.empty()).orElse(catalog.exercise().tasks().get(0));
                    output.line("You saved a file of " + exercise + ": watching its task " + task.id() + " now.");
                }
                run = true;
            } else if (event.key() == 'q' || event.key() == 'Q') {
                output.line("Stopping the servers ...");
                return Main.OK;
            } else if (event.key() == 'h' || event.key() == 'H') {
                output.line("");
                output.line(Hints.next(repository, exercise, task.id())
                        .replace("(run the same command again for the next hint)", "(press h again for the next hint)"));
            } else if (event.key() == 'r' || event.key() == 'R' || event.key() == '\n' || event.key() == '\r') {
                run = true;
            }
        }
    }

    /** Waits for the saving to stop: every change that arrives within {@link #QUIET} of the last joins this run. */
    private void settle() {
        try {
            while (true) {
                Event more = events.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS);
                if (more == null) {
                    return;
                }
                if (more.exercise() == null) {
                    // A key pressed while saving: keep it for after the run.
                    events.add(more);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Event take() {
        try {
            return events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Event(null, 'q');
        }
    }

    private void timing(TaskLoop.Result result) {
        if (env.get("KATA_TIMING") != null) {
            err.printf(Locale.ROOT, "kata-timing build_ms=%d tests_ms=%d round_ms=%d check_ms=%d passed=%s%n",
                    result.buildMillis(), result.testsMillis(), result.totalMillis(), result.checkMillis(), result.passed());
            err.flush();
        }
    }

    /** Keys as they are typed, on a daemon thread of its own; the end of input stops nothing but the keys. */
    private void startKeyboard() {
        Thread keyboard = new Thread(() -> {
            InputStream in = System.in;
            try {
                for (int key = in.read(); key >= 0; key = in.read()) {
                    events.add(new Event(null, key));
                }
            } catch (IOException e) {
                // No keyboard: saves still run the tests, Ctrl-C still quits.
            }
        }, "kata-watch-keys");
        keyboard.setDaemon(true);
        keyboard.start();
    }

    /** When the kata script that started this JVM is gone (killed), stop too: the shutdown hooks stop the servers. */
    private static void stopWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(Main.FAILED)));
    }

    private String firstUnfinishedExercise() {
        for (String id : repository.exercises()) {
            TaskCatalog catalog = repository.catalog(id);
            if (firstUnfinishedTask(catalog, Optional.empty()).isPresent()) {
                return id;
            }
        }
        return repository.exercises().get(0);
    }

    private Optional<String> nextExercise(String exercise) {
        List<String> all = repository.exercises();
        int at = all.indexOf(exercise);
        return at + 1 < all.size() ? Optional.of(all.get(at + 1)) : Optional.empty();
    }

    /** The first task (in the README's order) whose tests have not all passed yet, other than {@code besides}. */
    private Optional<TaskInfo> firstUnfinishedTask(TaskCatalog catalog, Optional<TaskInfo> besides) {
        Map<String, Boolean> done = Progress.of(repository, catalog);
        return catalog.exercise().tasks().stream()
                .filter(t -> !done.getOrDefault(t.id(), false) && besides.map(b -> !b.id().equals(t.id())).orElse(true))
                .findFirst();
    }

    /**
     * The terminal's line discipline: keys reach the watch as they are typed, unechoed, instead of
     * line by line; put back as it was on every way out ({@code q}, Ctrl-C, kill). Through
     * {@code stty} on {@code /dev/tty}, and only when standard input is that terminal.
     */
    static final class Terminal {

        private final String saved;
        private final Thread restoreOnExit;

        private Terminal(String saved) {
            this.saved = saved;
            this.restoreOnExit = saved == null ? null : new Thread(this::putBack, "kata-watch-terminal");
            if (restoreOnExit != null) {
                Runtime.getRuntime().addShutdownHook(restoreOnExit);
            }
        }

        static Terminal keysAtOnce() {
            if (!stdinIsTerminal()) {
                return new Terminal(null);
            }
            String saved = stty("-g");
            if (saved == null || stty("-icanon", "-echo", "min", "1") == null) {
                return new Terminal(null);
            }
            return new Terminal(saved.strip());
        }

        void restore() {
            if (restoreOnExit != null) {
                putBack();
                Grader.removeHook(restoreOnExit);
            }
        }

        private void putBack() {
            stty(saved);
        }

        private static boolean stdinIsTerminal() {
            try {
                Process test = new ProcessBuilder("sh", "-c", "test -t 0").redirectInput(ProcessBuilder.Redirect.INHERIT)
                        .start();
                return test.waitFor(5, TimeUnit.SECONDS) && test.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Runs stty on the terminal; its output, or null when it failed. */
        private static String stty(String... arguments) {
            List<String> command = new java.util.ArrayList<>(List.of("stty"));
            command.addAll(List.of(arguments));
            try {
                Process stty = new ProcessBuilder(command).redirectInput(new File("/dev/tty"))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return stty.waitFor(5, TimeUnit.SECONDS) && stty.exitValue() == 0 ? output : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
