package dev.dbkata.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import dev.dbkata.testkit.Task;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task consistent-hashing: a ring of virtual nodes that balances keys and, when a shard joins,
 * moves only the keys the newcomer takes.
 *
 * The tests need no server: placement is arithmetic. With V points per shard, a shard's share of
 * the ring varies by about 1/sqrt(V) around its fair share; the tests use 1,000 points per shard,
 * so ±10% is a wide margin for any well-mixing hash.
 *
 * Rejects:
 * - a hash that does not mix (the identity, Long.hashCode, a multiply without shifts): flipping
 *   one input bit must flip about half of the output bits;
 * - modulo-N placement dressed as a ring (hash(key) % shards): adding a 5th shard moves about 4/5
 *   of the keys instead of 1/5;
 * - one point per shard, or virtual nodes ignored: the shares are uneven and a new shard takes its
 *   keys from one or two neighbours only instead of from every shard;
 * - points that depend on the order the shards were listed in, or on randomness: two application
 *   servers must agree on every key;
 * - a ring without wrap-around (keys past the last point must go to the first);
 * - fewer than 100 virtual nodes per shard accepted silently.
 */
@Task(id = "consistent-hashing", title = "A hash ring with virtual nodes", points = 3)
class ConsistentHashingTest {

    private static final int POINTS = 1000;
    private static final int KEYS = 100_000;
    private static final List<String> FOUR = List.of("shard0", "shard1", "shard2", "shard3");

    @Test
    @DisplayName("the 64-bit hash mixes: one flipped input bit flips about half of the output bits")
    void hashMixesEveryBit() {
        Random random = new Random(11);
        List<String> weak = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            long flipped = 0;
            int samples = 500;
            for (int i = 0; i < samples; i++) {
                long key = i % 2 == 0 ? random.nextLong() : i;
                flipped += Long.bitCount(HashRing.hash(key) ^ HashRing.hash(key ^ (1L << bit)));
            }
            double average = (double) flipped / samples;
            if (average < 26 || average > 38) {
                weak.add(String.format("input bit %d flips %.1f output bits on average", bit, average));
            }
        }
        assertThat(weak).as("HashRing.hash(long): every input bit should flip about 32 of the 64 output bits (26..38);"
                + " otherwise keys that differ in a few bits sit next to each other on the ring").isEmpty();
        assertThat(HashRing.hash("shard1#7")).as("hash(\"shard1#7\") is a pure function").isEqualTo(HashRing.hash("shard1#7"));
        assertThat(HashRing.hash("shard1#7")).as("hash of two names that differ in one character")
                .isNotEqualTo(HashRing.hash("shard1#8"));
    }

    @Test
    @DisplayName("100,000 keys over 4 shards: each holds its quarter, within ±10%")
    void keysSpreadEvenly() {
        HashRing ring = new HashRing(FOUR, POINTS);
        Map<String, Integer> perShard = count(ring, KEYS);
        assertThat(perShard.keySet()).as("shards that own keys").containsExactlyElementsOf(FOUR);
        perShard.forEach((shard, keys) -> assertThat(keys)
                .as("keys on %s of %d (all: %s): a quarter, within 10%%. Uneven shares come from too few points per"
                        + " shard or points that do not spread round the ring", shard, KEYS, perShard)
                .isBetween((int) (0.9 * KEYS / 4), (int) (1.1 * KEYS / 4)));
    }

    @Test
    @DisplayName("rings built apart, from the names in any order, agree on every key")
    void placementIsAFunctionOfTheNames() {
        HashRing ring = new HashRing(FOUR, POINTS);
        HashRing reversed = new HashRing(List.of("shard3", "shard2", "shard1", "shard0"), POINTS);
        HashRing viaGrowth = new HashRing(FOUR.subList(0, 3), POINTS).withShard("shard3");
        for (long key = 0; key < 20_000; key++) {
            long k = key * 7919 - 10_000;
            assertThat(reversed.shardFor(k)).as("key %d on a ring built from the names in reverse order", k)
                    .isEqualTo(ring.shardFor(k));
            assertThat(viaGrowth.shardFor(k)).as("key %d on a 3-shard ring grown by shard3", k).isEqualTo(ring.shardFor(k));
        }
        assertThat(ring.shards()).as("the ring's shards").containsExactlyInAnyOrderElementsOf(FOUR);
        assertThat(new HashRing(List.of("solo"), 100).shardFor(Long.MAX_VALUE)).as("a ring of one shard").isEqualTo("solo");
    }

    @Test
    @DisplayName("adding a 5th shard moves about 1/5 of the keys, all to the newcomer, taken from every old shard")
    void addingAShardMovesOnlyItsShare() {
        HashRing four = new HashRing(FOUR, POINTS);
        HashRing five = four.withShard("shard4");
        Map<String, Integer> givenUp = new TreeMap<>();
        int moved = 0;
        int movedByModulo = 0;
        for (long key = 0; key < KEYS; key++) {
            String before = four.shardFor(key);
            String after = five.shardFor(key);
            if (!before.equals(after)) {
                moved++;
                assertThat(after).as("key %d moved from %s to %s: when shard4 joins, a key either stays or moves to"
                        + " shard4, never between old shards", key, before, after).isEqualTo("shard4");
                givenUp.merge(before, 1, Integer::sum);
            }
            long h = HashRing.hash(key);
            if (Long.remainderUnsigned(h, 4) != Long.remainderUnsigned(h, 5)) {
                movedByModulo++;
            }
        }
        double share = 100.0 * moved / KEYS;
        assertThat(share).as("%% of keys that moved when a 5th shard joined: about 20 (17..23). Placement by hash %% n"
                + " would have moved %.0f%%: almost every key changes shard when n changes", 100.0 * movedByModulo / KEYS)
                .isBetween(17.0, 23.0);
        for (String old : FOUR) {
            assertThat(givenUp.getOrDefault(old, 0)).as("keys %s gave to shard4, of %d moved (%s): the newcomer's"
                    + " points sit all round the ring, so it takes a little from every shard, not everything from"
                    + " one neighbour", old, moved, givenUp).isGreaterThan(moved * 15 / 100);
        }
    }

    @Test
    @DisplayName("removing a shard moves only its keys, spread over the others")
    void removingAShardMovesOnlyItsKeys() {
        HashRing four = new HashRing(FOUR, POINTS);
        HashRing three = four.withoutShard("shard2");
        Map<String, Integer> received = new TreeMap<>();
        for (long key = 0; key < KEYS; key++) {
            String before = four.shardFor(key);
            String after = three.shardFor(key);
            if (!before.equals("shard2")) {
                assertThat(after).as("key %d was on %s; only shard2's keys may move when shard2 leaves", key, before)
                        .isEqualTo(before);
            } else {
                received.merge(after, 1, Integer::sum);
            }
        }
        assertThat(received).as("where shard2's keys went: to all three remaining shards").hasSize(3);
        received.values().forEach(n -> assertThat(n).as("shard2's keys per heir: %s", received).isGreaterThan(KEYS / 4 / 6));
    }

    @Test
    @DisplayName("bad input gets a clear error")
    void badInputIsRefused() {
        assertThat(catchThrowable(() -> new HashRing(FOUR, 99))).as("99 virtual nodes per shard: at least 100 are required")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> new HashRing(List.of(), POINTS))).as("a ring without shards").isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> new HashRing(List.of("a", "a"), POINTS))).as("the same shard twice")
                .isInstanceOf(IllegalArgumentException.class);
        HashRing ring = new HashRing(FOUR, POINTS);
        assertThat(catchThrowable(() -> ring.withShard("shard1"))).as("adding a shard the ring has").isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> ring.withoutShard("shard9"))).as("removing a shard the ring lacks")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ring.shards()).as("a failed change leaves the ring as it was").containsExactlyInAnyOrderElementsOf(FOUR);
    }

    private static Map<String, Integer> count(HashRing ring, int keys) {
        Map<String, Integer> perShard = new TreeMap<>();
        for (long key = 0; key < keys; key++) {
            perShard.merge(ring.shardFor(key), 1, Integer::sum);
        }
        return perShard;
    }
}
