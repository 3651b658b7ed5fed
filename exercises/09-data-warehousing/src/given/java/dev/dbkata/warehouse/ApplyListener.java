package dev.dbkata.warehouse;

import org.postgresql.replication.LogSequenceNumber;

/**
 * Watches a {@link ChangeConsumer} apply transactions. The tests use it to stop the consumer at the
 * worst moments, as a crash would; in production it could feed metrics.
 *
 * <p>Either method may throw a {@link RuntimeException}: the consumer then stops and rethrows it
 * from the call that was applying.
 */
public interface ApplyListener {

    /** No-op listener. */
    ApplyListener NONE = new ApplyListener() { };

    /**
     * Called inside the DuckDB transaction that applies one PostgreSQL transaction, after its
     * changes and its position are written and before that DuckDB transaction commits. If it
     * throws, the DuckDB transaction must roll back: nothing of that PostgreSQL transaction is kept.
     * The tests read the warehouse here through the connection the consumer was given, and again in
     * {@link #afterCommit}: the two must show the same tables and rows.
     *
     * @param commitLsn where the PostgreSQL transaction's commit record ends
     */
    default void beforeCommit(LogSequenceNumber commitLsn) {
    }

    /**
     * Called after the DuckDB transaction that applied one PostgreSQL transaction committed, and
     * before the consumer tells PostgreSQL it may forget it.
     *
     * @param commitLsn where the PostgreSQL transaction's commit record ends
     */
    default void afterCommit(LogSequenceNumber commitLsn) {
    }
}
