package dev.dbkata.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.Listening;
import dev.dbkata.testkit.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A JVM killed with {@code kill -9} runs no shutdown hook. Its servers must still go: at once
 * through the watchdog, or, if that was disabled or killed too, at the next start through the
 * reaper.
 */
class NoLeftoverServersTest {

    private final List<Process> victims = new ArrayList<>();
    /** Reads the victims' output and runs reapers in the background: this test's own threads. */
    private final ExecutorService readers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "no-leftover-test");
        thread.setDaemon(true);
        return thread;
    });

    /** The victims' own run root, so that no other JVM's reaper races these tests for them. */
    @org.junit.jupiter.api.io.TempDir
    Path runRoot;

    /** Whatever a test did, its victims and their servers must not outlive it. */
    @AfterEach
    void killVictims() throws InterruptedException {
        readers.shutdownNow();
        for (Process victim : victims) {
            victim.destroyForcibly();
            victim.waitFor(10, TimeUnit.SECONDS);
        }
        new Reaper(runRoot).reapAbandonedRuns(RunDirectory.current().root());
    }

    private record Victim(Process jvm, int postgresPort, int redisPort, Path runFolder) {
    }

    private Victim startVictim(boolean watchdog) throws Exception {
        Process jvm = new ProcessBuilder(ChildJvm.command(OrphanMaker.class, "kata.watchdog=" + watchdog, "kata.run.dir=" + runRoot))
                .redirectErrorStream(true).start();
        victims.add(jvm);
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        String ready = readers.submit(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        return line;
                    }
                }
                return "the victim JVM ended without starting its servers";
            } catch (IOException e) {
                return e.toString();
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(ready).startsWith("READY ");
        String[] parts = ready.split(" ");
        return new Victim(jvm, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Path.of(parts[3]));
    }


    private static void killHard(Process jvm) throws InterruptedException {
        jvm.destroyForcibly();
        assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("the watchdog stops the servers of a JVM killed with kill -9 and deletes its folder")
    void watchdogCleansUpAfterKillDashNine() throws Exception {
        Victim victim = startVictim(true);
        assertThat(Listening.on(victim.postgresPort())).isTrue();
        assertThat(Listening.on(victim.redisPort())).isTrue();

        killHard(victim.jvm());

        Waits.until("the watchdog to stop PostgreSQL and Redis of the killed JVM", Duration.ofSeconds(15),
                () -> !Listening.on(victim.postgresPort()) && !Listening.on(victim.redisPort()));
        Waits.until("the watchdog to delete " + victim.runFolder(), Duration.ofSeconds(10),
                () -> !Files.exists(victim.runFolder()));
    }

    @Test
    @DisplayName("without a watchdog, the next start reaps the servers a killed JVM left")
    void reaperCleansUpAtNextStart() throws Exception {
        Victim victim = startVictim(false);
        killHard(victim.jvm());
        assertThat(Listening.on(victim.postgresPort())).as("nothing has cleaned up yet").isTrue();

        int reaped = new Reaper(victim.runFolder().getParent()).reapAbandonedRuns(RunDirectory.current().root());

        assertThat(reaped).isGreaterThanOrEqualTo(1);
        assertThat(Listening.on(victim.postgresPort())).isFalse();
        assertThat(Listening.on(victim.redisPort())).isFalse();
        assertThat(victim.runFolder()).doesNotExist();
    }

    @Test
    @DisplayName("the reaper leaves the folders of live JVMs alone")
    void reaperSparesLiveRuns() throws Exception {
        Victim victim = startVictim(false);

        new Reaper(victim.runFolder().getParent()).reapAbandonedRuns(RunDirectory.current().root());

        assertThat(Listening.on(victim.postgresPort())).isTrue();
        assertThat(victim.runFolder()).exists();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("a server that ignores the first signal is still stopped, and its run folder is kept until it is")
    void stubbornServerIsStoppedBeforeItsFolderGoes() throws Exception {
        Path run = Files.createDirectories(runRoot.resolve("run-1-1"));
        Files.writeString(run.resolve(Reaper.OWNER_FILE), "1 1\n");
        Path data = Files.createDirectories(run.resolve("t1-primary").resolve("data"));
        Path ready = runRoot.resolve("stand-in-ready");
        Path ignored = runRoot.resolve("stand-in-ignored-the-signal");
        // A stand-in for a PostgreSQL that will not stop: it shrugs off SIGQUIT, the immediate
        // shutdown, and says so. Its command line names the data folder, as a postmaster's does.
        Process standIn = new ProcessBuilder("sh", "-c",
                "trap 'touch \"$2\"' QUIT; touch \"$3\"; while :; do sleep 0.05; done",
                "stubborn-postgres", data.toString(), ignored.toString(), ready.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        victims.add(standIn);
        Files.writeString(data.resolve("postmaster.pid"), standIn.pid() + "\n" + data + "\n");
        Waits.until("the stand-in to be ready for signals", Duration.ofSeconds(10), () -> Files.exists(ready));

        Future<Integer> reaping = readers.submit(() -> new Reaper(runRoot).reapAbandonedRuns(RunDirectory.current().root()));

        Waits.until("the reaper's first signal", Duration.ofSeconds(10), () -> Files.exists(ignored));
        assertThat(running(standIn.pid())).as("the stand-in ignored the first signal").isTrue();
        assertThat(run).as("the folder stays while its server runs").exists();
        Waits.until("the reaper to finish", Duration.ofSeconds(30), () -> {
            // The folder is looked at first: once it is gone, the server must already be gone too.
            boolean folderGone = !Files.exists(run);
            assertThat(folderGone && running(standIn.pid())).as("run folder deleted while its server still ran").isFalse();
            return reaping.isDone();
        });

        assertThat(reaping.get()).isEqualTo(1);
        assertThat(standIn.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(standIn.exitValue()).as("ended by SIGKILL, the second signal").isEqualTo(128 + 9);
        assertThat(run).doesNotExist();
    }

    /** Running, per the kernel: a zombie, dead but not yet waited for, is not. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }
}
