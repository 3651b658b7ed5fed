package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;

/**
 * A gate the test closes in the middle of someone else's transaction: a row trigger that waits for
 * an advisory lock the test holds. While the code under test is stopped at the gate, the test
 * looks at the database from outside that transaction; then it opens the gate. Deterministic,
 * where hoping to catch the middle of a move with a busy reader would not be.
 */
final class AdvisoryGate implements AutoCloseable {

    private final PostgresNode node;
    private final int key;
    private final Connection holder;

    private AdvisoryGate(PostgresNode node, int key, Connection holder) {
        this.node = node;
        this.key = key;
        this.holder = holder;
    }

    /** A closed gate: the test's own session holds advisory lock {@code key} until {@link #open()}. */
    static AdvisoryGate closed(PostgresNode node, int key) throws SQLException {
        Connection holder = node.connect();
        try (Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + key + ")");
            s.execute("CREATE OR REPLACE FUNCTION gate_" + key + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN PERFORM pg_advisory_xact_lock_shared(" + key + ");"
                    + " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$");
        } catch (SQLException e) {
            holder.close();
            throw e;
        }
        return new AdvisoryGate(node, key, holder);
    }

    /** Rows inserted into (or deleted from: {@code operation}) {@code table} wait at this gate. */
    AdvisoryGate before(String operation, String table) throws SQLException {
        try (Statement s = holder.createStatement()) {
            s.execute("CREATE TRIGGER gate_" + key + "_" + table + " BEFORE " + operation + " ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION gate_" + key + "()");
        }
        return this;
    }

    /** Whether some transaction is stopped at this gate right now. */
    boolean hasSomeoneWaiting() {
        return node.queryValue("SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory'"
                + " AND classid = 0 AND objid = ? AND objsubid = 1 AND NOT granted", Boolean.class, (long) key);
    }

    /**
     * Lets {@code work} run through closed gates, named by what the work does when it reaches them.
     * Each time it stops at one, {@code atTheStop} runs with that gate's name while the work waits
     * (on one of the test's {@code threads}), then that gate opens. Ends when every gate is open or
     * the work is done.
     *
     * @return the names of the gates the work stopped at, in the order it reached them
     */
    static List<String> walk(TestThreads threads, Future<?> work, String what, Map<String, AdvisoryGate> gates,
            Consumer<String> atTheStop) throws SQLException {
        Map<String, AdvisoryGate> closed = new LinkedHashMap<>(gates);
        List<String> stops = new ArrayList<>();
        while (!closed.isEmpty()) {
            Waits.until(what + " to finish or to stop at a gate", Duration.ofSeconds(10),
                    () -> work.isDone() || closed.values().stream().anyMatch(AdvisoryGate::hasSomeoneWaiting));
            if (work.isDone()) {
                break;
            }
            String stop = closed.entrySet().stream().filter(g -> g.getValue().hasSomeoneWaiting())
                    .findFirst().orElseThrow().getKey();
            stops.add(stop);
            lookWhileStopped(threads, what, stop, atTheStop);
            closed.remove(stop).open();
        }
        return stops;
    }

    /**
     * Runs the test's look at a stop in its own thread, bounded: if the look waits for the stopped
     * work (a lock it holds), it would otherwise wait for ever, since only the test opens the gate.
     * The thread is the test's own, not the common pool's: the work stopped at the gate may hold
     * the pool's only thread on a 2-core machine, and the look would never start.
     */
    private static void lookWhileStopped(TestThreads threads, String what, String stop, Consumer<String> atTheStop) {
        CompletableFuture<Void> look = threads.run(() -> atTheStop.accept(stop));
        try {
            look.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("while " + what + " was stopped " + stop + ", the test's look at the database"
                    + " (through your code or a plain session) did not finish within 10 s: it waits for " + what
                    + " itself, which holds a lock or a monitor that readers and writers need", e);
        } catch (ExecutionException e) {
            // The look's own verdict (an AssertionError, usually) is the test's verdict.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking at a stop", e);
        }
    }

    void open() throws SQLException {
        try (Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_unlock(" + key + ")");
        }
    }

    @Override
    public void close() throws SQLException {
        holder.close();
    }
}
