package dev.dbkata.grader;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Tells which exercise's code changed: a file saved (created, changed, deleted) under any
 * {@code exercises/*}{@code /src/main}. It uses the JDK's {@link WatchService} where the operating
 * system notifies at once (inotify on Linux), and looks at the files' sizes and times every
 * {@value #POLL_MILLIS} ms instead where it does not: where the JDK's service itself polls (macOS,
 * every few seconds), or when {@code KATA_WATCH_POLL} is set (network and container-mounted
 * folders, WSL's {@code /mnt}, which send no notifications). One daemon thread of its own, stopped
 * by {@link #close()}.
 */
final class SourceChanges implements AutoCloseable {

    static final int POLL_MILLIS = 250;

    private final Path exercises;
    private final Consumer<String> changed;
    private final Thread thread;
    private final WatchService service;
    private volatile boolean closed;

    /**
     * @param changed called on the watching thread with the exercise's id, for each change noticed
     * @param poll    look at the files every {@value #POLL_MILLIS} ms instead of being notified
     */
    SourceChanges(Path exercises, Consumer<String> changed, boolean poll) {
        this.exercises = exercises;
        this.changed = changed;
        WatchService notifying = poll ? null : notifyingService();
        this.service = notifying;
        this.thread = new Thread(notifying != null ? this::watch : this::poll, "kata-watch-files");
        thread.setDaemon(true);
    }

    /** How changes are noticed, for the learner: {@code notified} or {@code polled every 250 ms}. */
    String how() {
        return service != null ? "notified by the system" : "looking every " + POLL_MILLIS + " ms";
    }

    void start() {
        if (service != null) {
            for (Path main : mainFolders()) {
                registerTree(main);
            }
        }
        thread.start();
    }

    private static WatchService notifyingService() {
        try {
            WatchService service = FileSystems.getDefault().newWatchService();
            // The JDK's own fallback polls every few seconds: too slow for a loop; ours is faster.
            if (service.getClass().getName().contains("Polling")) {
                service.close();
                return null;
            }
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private List<Path> mainFolders() {
        try (Stream<Path> children = Files.list(exercises)) {
            return children.map(dir -> dir.resolve("src/main")).filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void registerTree(Path root) {
        try (Stream<Path> folders = Files.walk(root)) {
            for (Path folder : folders.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                folder.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            }
        } catch (IOException e) {
            // A folder deleted meanwhile: nothing in it to watch.
        }
    }

    private void watch() {
        try {
            while (!closed) {
                WatchKey key = service.take();
                Path folder = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == OVERFLOW) {
                        mainFolders().forEach(this::registerTree);
                        notify(folder);
                        continue;
                    }
                    Path path = folder.resolve((Path) event.context());
                    if (event.kind() == ENTRY_CREATE && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        registerTree(path);
                    }
                    notify(path);
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closed: the watch is over.
        }
    }

    private void poll() {
        Map<String, String> last = snapshot();
        while (!closed) {
            try {
                Thread.sleep(Duration.ofMillis(POLL_MILLIS).toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Map<String, String> now = snapshot();
            now.forEach((exercise, state) -> {
                if (!state.equals(last.get(exercise))) {
                    changed.accept(exercise);
                }
            });
            last.clear();
            last.putAll(now);
        }
    }

    /** Per exercise: every file's path, size and modification time under its {@code src/main}. */
    private Map<String, String> snapshot() {
        Map<String, String> states = new HashMap<>();
        for (Path main : mainFolders()) {
            StringBuilder state = new StringBuilder();
            try (Stream<Path> files = Files.walk(main)) {
                files.filter(SourceChanges::counts).sorted().forEach(file -> {
                    try {
                        state.append(file).append(' ').append(Files.size(file)).append(' ')
                                .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
                    } catch (IOException e) {
                        state.append(file).append(" gone\n");
                    }
                });
            } catch (IOException | java.io.UncheckedIOException e) {
                state.append("unreadable");
            }
            states.put(main.getParent().getParent().getFileName().toString(), state.toString());
        }
        return states;
    }

    /**
     * Whether a file is the learner's work rather than an editor's by-product: swap, backup and
     * lock files (names starting with a dot or a hash, ending with a tilde, vim's {@code 4913}
     * probe) change on their own and must not start a run.
     */
    static boolean counts(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return !(name.startsWith(".") || name.startsWith("#") || name.endsWith("~") || name.equals("4913")
                || name.endsWith(".swp") || name.endsWith(".swx") || name.endsWith(".swo"));
    }

    /** The exercise a changed path belongs to, if it lies under an exercise's {@code src/main}. */
    private void notify(Path path) {
        if (!counts(path)) {
            return;
        }
        Path relative = exercises.relativize(path);
        if (relative.getNameCount() >= 3 && relative.getName(1).toString().equals("src")
                && relative.getName(2).toString().equals("main")) {
            changed.accept(relative.getName(0).toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                // Closing is best effort: the thread is a daemon.
            }
        }
    }
}
