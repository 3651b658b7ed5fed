package dev.dbkata.captheorem;

/**
 * What a {@link StalenessProbe} found: how far a replica's replay had got when it was asked,
 * against the commit position of a write.
 *
 * @param commit      where the write's commit record ends on the primary
 * @param replayed    the replica's replay position when it was asked ({@code pg_last_wal_replay_lsn()})
 * @param bytesBehind bytes of WAL between {@code replayed} and {@code commit}; 0 when the replica
 *                    has replayed the commit (or more)
 */
public record Staleness(WalPosition commit, WalPosition replayed, long bytesBehind) {

    public Staleness {
        if (bytesBehind < 0) {
            throw new IllegalArgumentException("bytesBehind is 0 once the replica has the write, never negative: "
                    + bytesBehind);
        }
    }

    /** Whether the replica has not replayed the write yet. */
    public boolean isStale() {
        return bytesBehind > 0;
    }

    @Override
    public String toString() {
        return isStale()
                ? "stale: replayed " + replayed + ", " + bytesBehind + " bytes short of " + commit
                : "fresh: replayed " + replayed + ", at or past " + commit;
    }
}
