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
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.Listening;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JVM killed with {@code kill -9} runs no shutdown hook. Its servers must still go: at once
 * through the watchdog, or, if that was disabled or killed too, at the next start through the
 * reaper.
 */
@ExtendWith(TestThreads.Extension.class)
class NoLeftoverServersTest {

    private final List<Process> victims = new ArrayList<>();

    /** The victims' own run root, so that no other JVM's reaper races these tests for them. */
    @org.junit.jupiter.api.io.TempDir
    Path runRoot;

    /** Whatever a test did, its victims and their servers must not outlive it. */
    @AfterEach
    void killVictims() throws InterruptedException {
        for (Process victim : victims) {
            victim.destroyForcibly();
            victim.waitFor(10, TimeUnit.SECONDS);
        }
        new Reaper(runRoot).reapAbandonedRuns(RunDirectory.current().root());
    }

    private record Victim(Process jvm, int postgresPort, int redisPort, Path runFolder) {
    }

    private Victim startVictim(TestThreads threads, boolean watchdog) throws Exception {
        Process jvm = new ProcessBuilder(ChildJvm.command(OrphanMaker.class, "kata.watchdog=" + watchdog, "kata.run.dir=" + runRoot))
                .redirectErrorStream(true).start();
        victims.add(jvm);
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        String ready = threads.supply(() -> {
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
    void watchdogCleansUpAfterKillDashNine(TestThreads threads) throws Exception {
        Victim victim = startVictim(threads, true);
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
    void reaperCleansUpAtNextStart(TestThreads threads) throws Exception {
        Victim victim = startVictim(threads, false);
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
    void reaperSparesLiveRuns(TestThreads threads) throws Exception {
        Victim victim = startVictim(threads, false);

        new Reaper(victim.runFolder().getParent()).reapAbandonedRuns(RunDirectory.current().root());

        assertThat(Listening.on(victim.postgresPort())).isTrue();
        assertThat(victim.runFolder()).exists();
    }
}
