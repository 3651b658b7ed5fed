package dev.dbkata.sharding;

/**
 * Maps a customer id to one of {@code n} independent servers (shards), by a hash of the id.
 *
 * <p>Placement is a pure function of the id and the shard count: another application server, or
 * this one after a restart, computes the same shard for the same id.
 *
 * <p>Over many customers each shard gets its share within ±10%, whatever the shape of the ids:
 * sequential, multiples of the shard count, stepping by a power of two, time-based (whose low bits
 * barely move), or differing only in their high 32 bits. Immutable and thread-safe.
 */
public final class ShardRouter {

    private final int shardCount;

    /** @throws IllegalArgumentException when {@code shardCount} is below 1 */
    public ShardRouter(int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("A router needs at least one shard, not " + shardCount);
        }
        this.shardCount = shardCount;
    }

    public int shardCount() {
        return shardCount;
    }

    /** The shard of {@code customerId}, in {@code 0 .. shardCount()-1}, for any id, negative ones included. */
    public int shardFor(long customerId) {
        throw new UnsupportedOperationException(
                "TODO(shard-routing): hash the id so that every bit counts, then pick a shard in 0..n-1");
    }
}
