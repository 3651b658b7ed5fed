package dev.dbkata.partitioning;

import java.util.Random;
import java.util.stream.LongStream;

/** Customer ids as real systems hand them out, each family with a pattern a weak hash falls for. */
enum CustomerIds {

    /** From a database sequence: 1, 2, 3, ... */
    SEQUENTIAL {
        @Override
        long[] take(int count) {
            return LongStream.rangeClosed(1, count).toArray();
        }
    },
    /**
     * Time-based ids (milliseconds, worker and sequence packed into 64 bits, as Snowflake does):
     * their low bits are nearly always the same few values.
     */
    TIME_BASED {
        @Override
        long[] take(int count) {
            Random random = new Random(20260101);
            long millis = 1_767_225_600_000L - 1_288_834_974_657L;
            long[] ids = new long[count];
            for (int i = 0; i < count; i++) {
                millis += 1 + random.nextInt(40);
                long worker = i % 4;
                long sequence = random.nextInt(10) == 0 ? 1 : 0;
                ids[i] = (millis << 22) | (worker << 12) | sequence;
            }
            return ids;
        }
    },
    /** From a sequence that several servers share by stepping 32 at a time. */
    STEP_OF_32 {
        @Override
        long[] take(int count) {
            return LongStream.range(0, count).map(i -> 4_000_000L + 32 * i).toArray();
        }
    },
    /** Arbitrary 64-bit values, half of them negative. */
    RANDOM_64_BIT {
        @Override
        long[] take(int count) {
            return new Random(42).longs(count).toArray();
        }
    };

    abstract long[] take(int count);
}
