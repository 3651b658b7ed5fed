package dev.dbkata.replication;

import java.util.Objects;

/**
 * Proof of a committed write that a later read can present: the primary's WAL position at or
 * after the write's commit record. A replica that has replayed up to {@link #position()} shows
 * the write; one that has not may not.
 *
 * @param position where the primary's WAL stood once the write had committed
 */
public record CommitToken(WalPosition position) {

    public CommitToken {
        Objects.requireNonNull(position, "position");
    }
}
