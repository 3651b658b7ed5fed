package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Sends POSIX signals with {@code kill(1)}: Java itself can only send TERM and KILL. */
final class Signals {

    private Signals() {
    }

    /** Sends {@code signal} (such as {@code STOP}) to each pid; pids that are gone are ignored. */
    static void send(String signal, Collection<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            Process kill = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " did not return within 10 s");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run kill(1) to send SIG" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + signal, e);
        }
    }

    static void send(String signal, long pid) {
        send(signal, List.of(pid));
    }

    /** The pids of a process and all its descendants, the process first. */
    static List<Long> treeOf(ProcessHandle process) {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(child -> pids.add(child.pid()));
        return pids;
    }
}
