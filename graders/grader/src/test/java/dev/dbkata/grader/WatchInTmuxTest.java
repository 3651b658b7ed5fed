package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.dbkata.testkit.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kata watch} as a learner uses it: in a real terminal (a tmux pane of a tmux server of
 * the test's own), keys typed into it, a file saved, the screen read back. The kata is a small one
 * ({@code src/test/resources/watch-kata}) with a task on a real PostgreSQL server and one without,
 * run through the repository's own {@code kata} script. Every way out ({@code q}, Ctrl-C, kill)
 * must leave no server running. Skipped, saying so, where tmux is not installed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WatchInTmuxTest {

    private static final Duration FIRST_RUN = Duration.ofSeconds(180);
    private static final Duration RERUN = Duration.ofSeconds(120);
    private static final String SOLVED_COUNTER = """
            package watchfixture.counter;

            import java.sql.Connection;
            import java.sql.ResultSet;
            import javax.sql.DataSource;

            public final class Counter {
                public static long rows(DataSource database) throws Exception {
                    try (Connection c = database.getConnection();
                         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM item")) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            }
            """;

    @TempDir
    Path folder;
    private Path kata;
    private String socket;

    @BeforeEach
    void kataAndTerminal() throws IOException {
        assumeTrue(tmux() != null, "tmux is not installed, so kata watch is not tested in a terminal here"
                + " (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)");
        kata = folder.resolve("kata");
        FileCopies.copyTree(FixtureKata.resource("watch-kata"), kata);
        FixtureKata.writeClasspath(kata.resolve("exercises/01-counter"));
        // What the kata script expects of a built checkout: the grader's classpath and a build stamp.
        Path repository = Path.of("").toAbsolutePath().resolve("../..").normalize();
        Files.copy(repository.resolve("kata"), kata.resolve("kata"));
        kata.resolve("kata").toFile().setExecutable(true);
        Path graderClasspath = kata.resolve("graders/grader/target/kata/classpath.txt");
        Files.createDirectories(graderClasspath.getParent());
        Files.writeString(graderClasspath, System.getProperty("java.class.path"));
        Files.createDirectories(kata.resolve("target/kata"));
        Files.writeString(kata.resolve("target/kata/built"), "");
        socket = "kata-watch-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @AfterEach
    void stopTerminal() throws Exception {
        if (socket != null && tmux() != null) {
            run(List.of(tmux(), "-L", socket, "kill-server"));
        }
    }

    @Test
    @DisplayName("a save re-runs the task on the same server, a pass moves on, h shows a hint, q stops every server")
    void saveHintAndQuit() throws Exception {
        startWatch();
        awaitScreen("the first run's verdict", FIRST_RUN, "Waiting for a save");
        assertThat(screen()).contains("01-counter / count-rows: Count rows on the server (1 point)")
                .contains("\u2717 countsRows").contains("TODO(count-rows): count the rows of item on the server");
        Set<Long> servers = servers();
        assertThat(servers).as("the server is kept running while the watch waits").isNotEmpty();

        keys("h");
        awaitScreen("the first hint", RERUN, "Hint 1 of 2 for 01-counter / count-rows");

        Files.writeString(kata.resolve("exercises/01-counter/src/main/java/watchfixture/counter/Counter.java"),
                SOLVED_COUNTER);
        awaitScreen("the re-run after the save", RERUN, "count-rows passes. On to the next task: greet");
        awaitScreen("the next task's run", RERUN, "TODO(greet): say hello");
        assertThat(screen()).contains("\u2713 countsRows").contains("\u2717 saysHello");
        assertThat(servers()).as("the re-run used the server already running, not a new one").isEqualTo(servers);

        keys("q");
        awaitScreen("the watch to end", RERUN, "WATCH ENDED 0");
        awaitGone(servers);
    }

    @Test
    @DisplayName("Ctrl-C stops the watch and every server")
    void controlC() throws Exception {
        startWatch();
        awaitScreen("the first run's verdict", FIRST_RUN, "Waiting for a save");
        Set<Long> servers = servers();
        assertThat(servers).isNotEmpty();

        run(List.of(tmux(), "-L", socket, "send-keys", "-t", "watch", "C-c"));

        awaitScreen("the watch to end", RERUN, "WATCH ENDED");
        awaitGone(servers);
    }

    @Test
    @DisplayName("killing the watch's JVM stops every server")
    void killed() throws Exception {
        startWatch();
        awaitScreen("the first run's verdict", FIRST_RUN, "Waiting for a save");
        Set<Long> servers = servers();
        assertThat(servers).isNotEmpty();
        ProcessHandle java = paneProcesses().stream().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow();

        java.destroy();

        awaitScreen("the watch to end", RERUN, "WATCH ENDED");
        awaitGone(servers);
    }

    private void startWatch() throws Exception {
        String java = System.getProperty("java.home");
        // The pane's shell outlives a Ctrl-C, as a learner's interactive shell does (a trap, not an
        // ignored signal: the watch must still get it), and says how the watch ended.
        String command = "trap true INT; cd '" + kata + "' && JAVA_HOME='" + java + "' LANG=C.UTF-8 ./kata watch 01-counter;"
                + " echo \"WATCH ENDED $?\"; sleep 600";
        run(List.of(tmux(), "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "watch", "-x", "200", "-y", "80",
                command));
    }

    private void keys(String keys) throws Exception {
        run(List.of(tmux(), "-L", socket, "send-keys", "-t", "watch", "-l", keys));
    }

    private String screen() throws Exception {
        return run(List.of(tmux(), "-L", socket, "capture-pane", "-p", "-J", "-S", "-500", "-t", "watch"));
    }

    private void awaitScreen(String what, Duration atMost, String text) {
        try {
            Waits.until(what + " (the screen to show '" + text + "')", atMost, () -> screen().contains(text));
        } catch (AssertionError e) {
            String shown;
            try {
                shown = screen();
            } catch (Exception unreadable) {
                shown = "(unreadable: " + unreadable + ")";
            }
            throw new AssertionError(e.getMessage() + "\nThe screen:\n" + shown, e);
        }
    }

    /** The database servers the watch runs: PostgreSQL's postmasters below the pane (not their sessions' backends). */
    private Set<Long> servers() throws Exception {
        return paneProcesses().stream().filter(p -> p.info().command().orElse("").endsWith("/postgres")
                && List.of(p.info().arguments().orElse(new String[0])).contains("-D"))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private List<ProcessHandle> paneProcesses() throws Exception {
        long pane = Long.parseLong(run(List.of(tmux(), "-L", socket, "display-message", "-p", "-t", "watch",
                "#{pane_pid}")).strip());
        return ProcessHandle.of(pane).map(p -> p.descendants().toList()).orElse(List.of());
    }

    private static void awaitGone(Set<Long> servers) {
        Waits.until("every server of the watch to stop " + servers, Duration.ofSeconds(30),
                () -> servers.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    private static String tmux() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "tmux"))) {
                return Path.of(dir, "tmux").toString();
            }
        }
        return null;
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish");
        }
        return output;
    }
}
