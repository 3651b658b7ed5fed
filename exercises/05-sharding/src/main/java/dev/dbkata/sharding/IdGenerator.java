package dev.dbkata.sharding;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * 64-bit ids made without asking any server, unique across shards and threads.
 *
 * <p>Layout, from the top bit: {@code 0 | 41 bits: milliseconds since EPOCH | 10 bits: shard |
 * 12 bits: sequence within the millisecond}. Ids are positive; the ids of one generator only
 * increase; ids sort by time across shards (one made a millisecond later is greater).
 *
 * <p>Never waits for the clock: when a millisecond's 4,096 sequence numbers are used up, it moves on
 * to the next millisecond ahead of the clock; when the clock stops or steps back, it carries on
 * from the last millisecond it used. Thread-safe.
 */
public final class IdGenerator {

    public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    public static final int MAX_SHARD = 1023;

    private final int shard;
    private final Clock clock;

    /**
     * @param shard the number of the shard this generator makes ids for, {@code 0 .. MAX_SHARD}
     * @param clock where the time comes from (tests pass a clock they move by hand)
     * @throws IllegalArgumentException when {@code shard} is out of range
     */
    public IdGenerator(int shard, Clock clock) {
        if (shard < 0 || shard > MAX_SHARD) {
            throw new IllegalArgumentException("A shard number is in 0.." + MAX_SHARD + ", not " + shard);
        }
        this.shard = shard;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The next id.
     *
     * @throws IllegalStateException when the clock reads a time before {@link #EPOCH}
     */
    public long nextId() {
        throw new UnsupportedOperationException(
                "TODO(global-ids): time, shard and sequence in one long; never repeat, even when the clock steps back");
    }

    /** The shard an id was made for. */
    public static int shardOf(long id) {
        throw new UnsupportedOperationException("TODO(global-ids): read the shard bits back from the id");
    }

    /** The millisecond an id carries. */
    public static Instant timeOf(long id) {
        throw new UnsupportedOperationException("TODO(global-ids): read the time bits back from the id");
    }
}
