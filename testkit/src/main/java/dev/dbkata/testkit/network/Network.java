package dev.dbkata.testkit.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The links of one topology and the single thread that moves their bytes.
 *
 * <p>One selector thread serves every link: it accepts, reads, writes, and releases delayed chunks
 * from a timer queue, so a delay costs a timer entry, never a sleeping thread. Every change to a
 * link runs on that thread; the caller waits until it took effect, so when {@link Link#cut()}
 * returns the connections are already reset. The thread is a daemon and ends in {@link #close()},
 * or when the last of its links is closed.
 */
public final class Network implements AutoCloseable {

    /** The prefix of the selector threads' names; tests look for leftovers by it. */
    public static final String THREAD_PREFIX = "dbkata-links-";

    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Answers to callers, given only once the commands' closes took effect. */
    private final List<Runnable> answers = new ArrayList<>();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private long timerSequence;

    private Network() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a selector for the testkit's network links", e);
        }
        thread = new Thread(this::loop, THREAD_PREFIX + NUMBER.incrementAndGet());
        thread.setDaemon(true);
    }

    /** Starts the selector thread of a new, empty network. */
    public static Network open() {
        Network network = new Network();
        network.thread.start();
        return network;
    }

    /**
     * A new link listening on 127.0.0.1 and forwarding to {@code target}.
     *
     * @param name what the link connects, for messages ("client → primary")
     */
    public Link link(String name, InetSocketAddress target) {
        return link(name, target, InetAddress.getLoopbackAddress());
    }

    /**
     * A new link listening on {@code bindAddress} (for example the wildcard address, so that
     * containers reach it) and forwarding to {@code target}.
     */
    public Link link(String name, InetSocketAddress target, InetAddress bindAddress) {
        if (closing.get()) {
            throw new IllegalStateException("This network is closed; no new link " + name + " can be opened");
        }
        Link link = call(() -> Link.open(this, name, target, bindAddress));
        links.add(link);
        return link;
    }

    /** The open links, in the order they were made. */
    public List<Link> links() {
        return List.copyOf(links);
    }

    /** Heals every link of this network. */
    public void healAll() {
        links.forEach(Link::heal);
    }

    /** Whether every link of this network is healthy. */
    public boolean allHealthy() {
        return links.stream().allMatch(Link::isHealthy);
    }

    /** Closes every link, then stops the selector thread and waits for it to end. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (thread.isAlive()) {
            for (Link link : links) {
                try {
                    call(() -> {
                        link.closeOnReactor();
                        return null;
                    });
                } catch (RuntimeException e) {
                    // Keep closing the others; the selector's close below frees what is left.
                }
            }
        }
        links.clear();
        commands.add(() -> {
            throw new StopSignal();
        });
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(COMMAND_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the selector thread is still running (false once {@link #close()} returned). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** The name of this network's selector thread. */
    public String threadName() {
        return thread.getName();
    }

    /** A link closed on its own; the network ends with its last link. */
    void forget(Link link) {
        if (links.remove(link) && links.isEmpty()) {
            close();
        }
    }

    // ---------------------------------------------------------------- reactor-side helpers

    boolean onReactor() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code action} on the selector thread and returns its result, waiting at most 10 s. */
    <T> T call(Supplier<T> action) {
        if (onReactor()) {
            return action.get();
        }
        if (!thread.isAlive() || stopped.isDone()) {
            throw new IllegalStateException("The testkit's network thread has stopped; links can no longer change");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        commands.add(() -> {
            try {
                T value = action.get();
                answers.add(() -> result.complete(value));
            } catch (RuntimeException | Error e) {
                answers.add(() -> result.completeExceptionally(e));
            }
        });
        selector.wakeup();
        try {
            return result.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the network thread", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The testkit's network thread did not answer within "
                    + COMMAND_TIMEOUT_SECONDS + " s", e);
        }
    }

    Selector selector() {
        return selector;
    }

    /** Schedules {@code action} on the selector thread at {@code deadlineNanos} ({@link System#nanoTime()}). */
    void schedule(long deadlineNanos, Runnable action) {
        timers.add(new Timer(deadlineNanos, timerSequence++, action));
    }

    private void loop() {
        try {
            while (true) {
                selector.select(selectTimeoutMillis());
                if (!runCommands()) {
                    break;
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isValid() && key.attachment() instanceof Handler handler) {
                        handler.ready(key);
                    }
                }
                runDueTimers();
            }
        } catch (IOException | RuntimeException e) {
            // A broken selector ends every link; close() still completes.
            System.err.println("[dbkata] the network thread stopped: " + e);
        } finally {
            for (SelectionKey key : new ArrayList<>(selector.keys())) {
                Links.closeQuietly(key.channel());
            }
            Links.closeQuietly(selector);
            stopped.complete(null);
            Runnable leftover;
            while ((leftover = commands.poll()) != null) {
                try {
                    leftover.run();
                } catch (RuntimeException ignored) {
                    // Callers waiting on these time out with a clear message.
                }
            }
            answerCallers();
        }
    }

    private long selectTimeoutMillis() {
        Timer next = timers.peek();
        if (next == null) {
            return 0; // no timer: wait for I/O or a command
        }
        long remaining = next.deadline - System.nanoTime();
        if (remaining <= 0) {
            return 1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
    }

    /** Runs queued commands; false once the stop signal was seen. */
    private boolean runCommands() throws IOException {
        while (!commands.isEmpty()) {
            Runnable command;
            while ((command = commands.poll()) != null) {
                try {
                    command.run();
                } catch (StopSignal stop) {
                    answerCallers();
                    return false;
                }
            }
            // Channels closed by a command are closed for real only when their keys are
            // deregistered: do it now, so that a cut link refuses by the time cut() returns.
            // selectNow() also clears a wakeup(), so look for commands again afterwards: one
            // queued before that check is run now, one queued after it wakes the next select.
            selector.selectNow();
            answerCallers();
        }
        return true;
    }

    private void answerCallers() {
        for (Runnable answer : answers) {
            answer.run();
        }
        answers.clear();
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().deadline - now <= 0) {
            timers.poll().action.run();
        }
    }

    /** What the selector thread calls when a registered channel is ready. */
    interface Handler {
        void ready(SelectionKey key);
    }

    private record Timer(long deadline, long sequence, Runnable action) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(deadline - other.deadline, 0);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private static final class StopSignal extends RuntimeException {
        StopSignal() {
            super(null, null, false, false);
        }
    }
}
