package dev.dbkata.sharding;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Snowflake-style 64-bit ids: {@code 0 | 41 bits of milliseconds since 2026-01-01 | 10 bits of
 * shard | 12 bits of sequence}. Unique across shards (the shard is in every id), increasing per
 * generator, roughly ordered by time across shards.
 *
 * <p>Never waits for the clock: when a millisecond's 4,096 numbers are used up, it moves on to the
 * next millisecond ahead of the clock; when the clock steps back, it keeps counting from the last
 * millisecond it used. Thread-safe.
 */
public final class IdGenerator {

    public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    public static final int MAX_SHARD = 1023;

    private static final int SEQUENCE_BITS = 12;
    private static final int SHARD_BITS = 10;
    private static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;
    private static final long MAX_MILLIS = (1L << 41) - 1;

    private final int shard;
    private final Clock clock;
    private long lastMillis = -1;
    private long sequence;

    public IdGenerator(int shard, Clock clock) {
        if (shard < 0 || shard > MAX_SHARD) {
            throw new IllegalArgumentException("A shard number is in 0.." + MAX_SHARD + ", not " + shard);
        }
        this.shard = shard;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public synchronized long nextId() {
        long now = clock.millis() - EPOCH.toEpochMilli();
        if (now < 0) {
            throw new IllegalStateException("The clock reads " + clock.instant() + ", before the id epoch " + EPOCH);
        }
        if (now > lastMillis) {
            lastMillis = now;
            sequence = 0;
        } else if (sequence < MAX_SEQUENCE) {
            sequence++;
        } else {
            lastMillis++;
            sequence = 0;
        }
        if (lastMillis > MAX_MILLIS) {
            throw new IllegalStateException("41 bits of milliseconds are used up");
        }
        return (lastMillis << (SHARD_BITS + SEQUENCE_BITS)) | ((long) shard << SEQUENCE_BITS) | sequence;
    }

    public static int shardOf(long id) {
        return (int) ((id >>> SEQUENCE_BITS) & MAX_SHARD);
    }

    public static Instant timeOf(long id) {
        return EPOCH.plusMillis(id >>> (SHARD_BITS + SEQUENCE_BITS));
    }
}
