package dev.dbkata.sharding;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A consistent-hash ring: every shard owns {@code virtualNodesPerShard} points on a circle of
 * 64-bit values, and a key belongs to the first point at or after its hash, going round.
 *
 * <p>Points come from the shard's name and the point's number only, so rings built anywhere, from
 * the names in any order, agree. Adding a shard adds its points and takes, from each of the
 * points' neighbours, the arcs just before them: about {@code 1/(n+1)} of the keys move, all of
 * them to the new shard, and they come from every old shard.
 *
 * <p>Immutable and thread-safe.
 */
public final class HashRing {

    public static final int MIN_VIRTUAL_NODES = 100;

    private final Set<String> shards;
    private final int virtualNodesPerShard;
    private final NavigableMap<Long, String> points = new TreeMap<>();

    public HashRing(Collection<String> shards, int virtualNodesPerShard) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("A ring needs at least one shard");
        }
        if (virtualNodesPerShard < MIN_VIRTUAL_NODES) {
            throw new IllegalArgumentException("At least " + MIN_VIRTUAL_NODES + " virtual nodes per shard are needed"
                    + " to balance keys, not " + virtualNodesPerShard);
        }
        Set<String> names = new TreeSet<>(shards);
        if (names.size() != shards.size() || names.stream().anyMatch(name -> name == null || name.isBlank())) {
            throw new IllegalArgumentException("Shard names must be distinct and not blank: " + shards);
        }
        this.shards = names;
        this.virtualNodesPerShard = virtualNodesPerShard;
        for (String shard : names) {
            for (int i = 0; i < virtualNodesPerShard; i++) {
                // Two points on the same value (rare): the smaller name wins, whatever the order of building.
                points.merge(hash(shard + "#" + i), shard, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
    }

    public Set<String> shards() {
        return shards;
    }

    public int virtualNodesPerShard() {
        return virtualNodesPerShard;
    }

    public String shardFor(long key) {
        Map.Entry<Long, String> owner = points.ceilingEntry(hash(key));
        return (owner != null ? owner : points.firstEntry()).getValue();
    }

    public HashRing withShard(String shard) {
        if (shards.contains(shard)) {
            throw new IllegalArgumentException("The ring already has " + shard);
        }
        Set<String> more = new LinkedHashSet<>(shards);
        more.add(shard);
        return new HashRing(more, virtualNodesPerShard);
    }

    public HashRing withoutShard(String shard) {
        if (!shards.contains(shard) || shards.size() == 1) {
            throw new IllegalArgumentException("Cannot remove " + shard + " from " + shards);
        }
        Set<String> fewer = new LinkedHashSet<>(shards);
        fewer.remove(shard);
        return new HashRing(fewer, virtualNodesPerShard);
    }

    /** SplitMix64's finaliser (Stafford's "Mix13"): a bijection on 64 bits with full avalanche. */
    public static long hash(long key) {
        long x = key;
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, then {@link #hash(long)} to spread FNV's weak low bits. */
    public static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return hash(h);
    }

    @Override
    public String toString() {
        return "ring " + shards + " x " + virtualNodesPerShard;
    }
}
