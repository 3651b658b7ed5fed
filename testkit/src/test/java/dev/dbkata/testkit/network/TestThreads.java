package dev.dbkata.testkit.network;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Executors the link tests own and shut down themselves: one daemon thread each. */
final class TestThreads {

    private TestThreads() {
    }

    static ExecutorService single(String name) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
