package dev.dbkata.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.Task;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task global-ids: 64-bit ids that no two shards or threads ever share, roughly ordered by time,
 * from which the shard can be read back.
 *
 * Rejects:
 * - ids from a counter (or a database sequence) per shard: two shards hand out the same id;
 * - a generator that is not thread-safe (lost updates give two threads one id), but only when the
 *   race happens to strike during the run: on a loaded 2-core machine it often does not (see
 *   SOLUTION.md, "What the tests cannot catch");
 * - ids without time in front: an id made later on another shard must sort after;
 * - a clock step back that resets the sequence: the same millisecond comes round again and the
 *   same id with it, or ids go backwards;
 * - waiting for the clock when a millisecond's sequence is used up, or when it stepped back:
 *   the test's clock never moves on its own, so a generator that waits hangs (and fails after 5 s);
 * - a shard number that does not fit (negative, or beyond 1023) accepted silently.
 */
@Task(id = "global-ids", title = "Unique 64-bit ids across shards and threads", points = 2)
class GlobalIdsTest {

    private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");

    /** A clock the test sets by hand; it never moves on its own. */
    static final class HandClock extends Clock {
        private volatile Instant now;

        HandClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    @DisplayName("8 threads on each of 3 shards take 100,000 ids: no duplicate, increasing per thread, shard readable")
    void idsAreUniqueAcrossShardsAndThreads() throws Exception {
        int perThread = 4_167;
        List<IdGenerator> generators = List.of(new IdGenerator(0, Clock.systemUTC()),
                new IdGenerator(1, Clock.systemUTC()), new IdGenerator(2, Clock.systemUTC()));
        ExecutorService threads = Executors.newFixedThreadPool(24);
        List<Future<long[]>> taken = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < 24; t++) {
                IdGenerator generator = generators.get(t % 3);
                taken.add(threads.submit(() -> {
                    start.await();
                    long[] ids = new long[perThread];
                    for (int i = 0; i < perThread; i++) {
                        ids[i] = generator.nextId();
                    }
                    return ids;
                }));
            }
            start.countDown();
            Set<Long> seen = new HashSet<>();
            long[] highestPerShard = new long[3];
            for (int t = 0; t < 24; t++) {
                long[] ids = taken.get(t).get(30, TimeUnit.SECONDS);
                int shard = t % 3;
                for (int i = 0; i < ids.length; i++) {
                    assertThat(seen.add(ids[i])).as("id %d (thread %d, shard %d) was handed out twice: ids must be unique"
                            + " across shards and threads", ids[i], t, shard).isTrue();
                    assertThat(IdGenerator.shardOf(ids[i])).as("shardOf(%d), made on shard %d", ids[i], shard).isEqualTo(shard);
                    if (i > 0) {
                        assertThat(ids[i]).as("id %d of thread %d came after %d: ids of one generator increase",
                                i, t, ids[i - 1]).isGreaterThan(ids[i - 1]);
                    }
                    highestPerShard[shard] = Math.max(highestPerShard[shard], ids[i]);
                }
            }
            assertThat(seen).as("distinct ids").hasSize(24 * perThread);
            for (int shard = 0; shard < 3; shard++) {
                assertThat(generators.get(shard).nextId()).as("the next id of shard %d, after all the threads", shard)
                        .isGreaterThan(highestPerShard[shard]);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    @DisplayName("ids carry their time first: the same millisecond on two shards differs, a later one sorts after")
    void idsAreOrderedByTimeAcrossShards() {
        HandClock clock = new HandClock(T);
        IdGenerator shard0 = new IdGenerator(0, clock);
        IdGenerator shard5 = new IdGenerator(5, clock);
        long first0 = shard0.nextId();
        long first5 = shard5.nextId();
        assertThat(first0).as("the first ids of shard 0 and shard 5 in the same millisecond: two shards never share an"
                + " id, so the shard must be part of it").isNotEqualTo(first5);
        assertThat(IdGenerator.timeOf(first0)).as("timeOf the first id, made at %s", T).isEqualTo(T);
        assertThat(IdGenerator.shardOf(first5)).as("shardOf an id made on shard 5").isEqualTo(5);
        clock.set(T.plusMillis(1));
        long later0 = shard0.nextId();
        assertThat(later0).as("an id made on shard 0 one millisecond later than shard 5's: time comes first in an id,"
                + " so ids sort by time across shards").isGreaterThan(first5);
        assertThat(IdGenerator.timeOf(later0)).as("timeOf an id made at %s", T.plusMillis(1)).isEqualTo(T.plusMillis(1));
        assertThat(later0).as("ids are positive (a bigint key people can read)").isPositive();
    }

    @Test
    @DisplayName("a clock that stops or steps back never yields a duplicate, and the generator never waits for it")
    void aClockSteppingBackNeverRepeatsAnId() {
        HandClock clock = new HandClock(T);
        IdGenerator generator = new IdGenerator(3, clock);
        List<Long> ids = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            take(generator, 10, ids);
            clock.set(T.minusMillis(1));
            take(generator, 10, ids);
            clock.set(T);
            take(generator, 10, ids);
            clock.set(T.minusSeconds(10));
            take(generator, 10_000, ids);
        }, "the generator waited for a clock that has stopped or stepped back; it should carry on from the last"
                + " millisecond it used instead (the test's clock never moves by itself)");
        Set<Long> distinct = new HashSet<>(ids);
        assertThat(distinct).as("distinct ids among %d taken while the clock went T, T-1ms, T, T-10s: a sequence that"
                + " restarts when the clock goes back hands out the same id again", ids.size()).hasSize(ids.size());
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("id %d (%d) after id %d (%d): ids of one shard only go up, even when the clock goes"
                    + " back", i, ids.get(i), i - 1, ids.get(i - 1)).isGreaterThan(ids.get(i - 1));
        }
        assertThat(ids).allMatch(id -> IdGenerator.shardOf(id) == 3, "shardOf every id is 3");
        clock.set(T.plusSeconds(60));
        assertThat(IdGenerator.timeOf(generator.nextId())).as("once the clock is well ahead again, ids carry its time")
                .isEqualTo(T.plusSeconds(60));
    }

    @Test
    @DisplayName("bad input gets a clear error")
    void badInputIsRefused() {
        assertThat(catchThrowable(() -> new IdGenerator(-1, Clock.systemUTC()))).as("shard -1").isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> new IdGenerator(1024, Clock.systemUTC()))).as("shard 1024: 10 bits hold 0..1023")
                .isInstanceOf(IllegalArgumentException.class);
        IdGenerator shard1023 = new IdGenerator(1023, new HandClock(T));
        assertThat(IdGenerator.shardOf(shard1023.nextId())).as("the highest shard number").isEqualTo(1023);
        IdGenerator beforeEpoch = new IdGenerator(1, new HandClock(Instant.parse("2001-01-01T00:00:00Z")));
        assertThat(catchThrowable(beforeEpoch::nextId)).as("a clock before the id epoch (2026-01-01)")
                .isInstanceOf(IllegalStateException.class);
    }

    private static void take(IdGenerator generator, int n, List<Long> into) {
        for (int i = 0; i < n; i++) {
            into.add(generator.nextId());
        }
    }
}
