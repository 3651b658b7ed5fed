package dev.dbkata.sharding;

import java.util.Collection;
import java.util.Set;

/**
 * A consistent-hash ring. Each shard owns {@code virtualNodesPerShard} points on a circle of
 * 64-bit values; a key belongs to the shard of the first point at or after the key's hash, going
 * round past the largest value back to the smallest.
 *
 * <p>Points depend only on the shard names and point numbers, so rings built apart, from the names
 * in any order, agree on every key. Adding a shard moves only the keys the newcomer takes (about
 * {@code 1/(n+1)} of them, from every old shard); removing one moves only its own keys.
 *
 * <p>Immutable and thread-safe.
 */
public final class HashRing {

    /** Fewer points per shard than this leave the shards' shares too uneven. */
    public static final int MIN_VIRTUAL_NODES = 100;

    /**
     * @throws IllegalArgumentException when {@code shards} is empty, has a blank name or a name
     *                                  twice, or {@code virtualNodesPerShard} is below
     *                                  {@link #MIN_VIRTUAL_NODES}
     */
    public HashRing(Collection<String> shards, int virtualNodesPerShard) {
        throw new UnsupportedOperationException(
                "TODO(consistent-hashing): place virtualNodesPerShard points per shard on the ring, by hash of name and number");
    }

    public Set<String> shards() {
        throw new UnsupportedOperationException("TODO(consistent-hashing): the ring's shard names");
    }

    public int virtualNodesPerShard() {
        throw new UnsupportedOperationException("TODO(consistent-hashing): the number of points per shard");
    }

    /** The shard that owns {@code key}. */
    public String shardFor(long key) {
        throw new UnsupportedOperationException(
                "TODO(consistent-hashing): the shard of the first point at or after hash(key), wrapping round");
    }

    /**
     * A new ring with one more shard; this one is unchanged.
     *
     * @throws IllegalArgumentException when the ring already has {@code shard}
     */
    public HashRing withShard(String shard) {
        throw new UnsupportedOperationException("TODO(consistent-hashing): a ring with the shard's points added");
    }

    /**
     * A new ring without {@code shard}; this one is unchanged.
     *
     * @throws IllegalArgumentException when the ring lacks {@code shard}, or it is the last one
     */
    public HashRing withoutShard(String shard) {
        throw new UnsupportedOperationException("TODO(consistent-hashing): a ring with the shard's points removed");
    }

    /**
     * A 64-bit hash that mixes: every input bit flips about half of the output bits. Write down in
     * this comment which function it is.
     */
    public static long hash(long key) {
        throw new UnsupportedOperationException("TODO(consistent-hashing): a 64-bit mixing hash of a long");
    }

    /** A 64-bit hash of a text (a point's label, for one), as well mixed as {@link #hash(long)}. */
    public static long hash(String text) {
        throw new UnsupportedOperationException("TODO(consistent-hashing): a 64-bit mixing hash of a string");
    }
}
