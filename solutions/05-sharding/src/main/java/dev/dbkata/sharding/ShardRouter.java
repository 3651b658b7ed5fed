package dev.dbkata.sharding;

/**
 * Maps a customer id to one of {@code n} shards by a hash of the id.
 *
 * <p>The hash is the finaliser of SplitMix64 (two xor-shift-multiply rounds): every input bit
 * changes about half of the output bits, so ids that share a pattern (multiples of the shard
 * count, time-based ids whose low bits barely move) still spread evenly. The index is the
 * unsigned remainder of that 64-bit hash, never negative.
 */
public final class ShardRouter {

    private final int shardCount;

    public ShardRouter(int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("A router needs at least one shard, not " + shardCount);
        }
        this.shardCount = shardCount;
    }

    public int shardCount() {
        return shardCount;
    }

    public int shardFor(long customerId) {
        return (int) Long.remainderUnsigned(mix(customerId), shardCount);
    }

    /** SplitMix64's finaliser: a bijection on 64 bits with full avalanche. */
    static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
