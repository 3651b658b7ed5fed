package dev.dbkata.warehouse;

import java.sql.Connection;
import java.time.Duration;

import org.postgresql.replication.LogSequenceNumber;

/**
 * Streams changes of PostgreSQL's {@code public.customers} into the warehouse from a logical
 * replication slot that uses the {@code test_decoding} plugin (read it with pgjdbc's replication API;
 * {@link TestDecoding} parses each message).
 *
 * <p>PostgreSQL's {@code customers(customer_id bigint PRIMARY KEY, name text, country text, plan_id integer)}
 * may have {@code REPLICA IDENTITY DEFAULT} or {@code FULL}. In DuckDB the consumer keeps:
 * <ul>
 *   <li>{@code customers(customer_id BIGINT, name VARCHAR, country VARCHAR, plan_id INTEGER)}: equal to
 *       PostgreSQL's after each applied transaction;</li>
 *   <li>{@code customer_changes(seq BIGINT, commit_lsn BIGINT, op VARCHAR, customer_id BIGINT)}: one row per
 *       applied row change, {@code seq} counting 1, 2, 3, ... in the order they were applied, {@code op}
 *       {@code INSERT}, {@code UPDATE} or {@code DELETE}, {@code customer_id} the row's id after the change
 *       (before it, for a delete);</li>
 *   <li>its position (the commit LSN of the last transaction it applied), in a table of your choice.</li>
 * </ul>
 *
 * <p>A slot delivers at least once: after a restart it sends again every transaction it was not told
 * was done. So the consumer applies a transaction, its log rows and its new position in ONE DuckDB
 * transaction; recognises and skips what it applied before; and only then confirms the position to
 * PostgreSQL (so the slot can release that WAL). Changes of other tables are ignored.
 *
 * <p>Not thread-safe: one thread drives a consumer.
 */
public final class ChangeConsumer implements AutoCloseable {

    /** The one table the consumer copies. */
    public static final String TABLE = "public.customers";

    private final String jdbcUrl;
    private final String user;
    private final String slot;
    private final Connection warehouse;
    private final ApplyListener listener;

    /**
     * @param jdbcUrl   PostgreSQL's JDBC URL; open your own replication connection to it
     * @param user      the user to connect as (no password)
     * @param slot      an existing logical slot using {@code test_decoding}
     * @param warehouse an open DuckDB connection ({@link DuckDb#open}); the caller closes it
     * @param listener  told about each applied transaction; call {@link ApplyListener#beforeCommit} inside the
     *                  DuckDB transaction just before committing it, {@link ApplyListener#afterCommit} just after
     *                  and before confirming; if either throws, stop and rethrow it from {@link #catchUp}
     */
    public ChangeConsumer(String jdbcUrl, String user, String slot, Connection warehouse, ApplyListener listener) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.slot = slot;
        this.warehouse = warehouse;
        this.listener = listener;
    }

    /**
     * Creates the warehouse tables if missing, reads the position the warehouse stored, and starts
     * streaming from the slot.
     *
     * @throws IllegalStateException when PostgreSQL or DuckDB refuses
     */
    public void start() {
        throw new UnsupportedOperationException("TODO(change-data-capture): open a replication connection and start a"
                + " logical stream of the slot from the position the warehouse stored");
    }

    /**
     * Reads and applies transactions, in commit order, until the warehouse has applied a transaction
     * whose commit ends beyond {@code target} (returns at once if it already has).
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}, or a database refuses
     * @throws RuntimeException      what the listener threw
     */
    public void catchUp(LogSequenceNumber target, Duration timeout) {
        throw new UnsupportedOperationException("TODO(change-data-capture): apply each committed transaction in one DuckDB"
                + " transaction with its commit LSN, skip what was applied before, then confirm the LSN to the slot");
    }

    /** Stops streaming and closes the replication connection (not the warehouse). Safe to call twice. */
    @Override
    public void close() {
        // Nothing to close until start() opens something.
    }
}
