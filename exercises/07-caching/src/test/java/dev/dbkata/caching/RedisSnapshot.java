package dev.dbkata.caching;

import dev.dbkata.testkit.RedisNode;
import redis.clients.jedis.Jedis;

/**
 * Makes a Redis restart keep its data, as a server with RDB persistence would: the test writes a
 * snapshot ({@code SAVE}) and the restarted server loads it. The testkit runs Redis without
 * persistence, so without a snapshot a restart starts empty and hides every stale copy.
 *
 * <p>Closing wipes the snapshot, so that the next test's reset (a restart) starts empty again.
 */
final class RedisSnapshot implements AutoCloseable {

    /** A key of the test's own, to prove that the restarted server really loaded the snapshot. */
    private static final String MARKER = "dbkata:snapshot";

    private final RedisNode redis;

    private RedisSnapshot(RedisNode redis) {
        this.redis = redis;
    }

    /** Writes what Redis holds now to disk. */
    static RedisSnapshot take(RedisNode redis) {
        try (Jedis jedis = redis.client()) {
            jedis.set(MARKER, "taken");
            jedis.save();
        }
        return new RedisSnapshot(redis);
    }

    /**
     * Kills the server (frozen or not) and starts it again from the snapshot. Whatever clients sent
     * since the snapshot, including commands still waiting in a frozen server's socket buffers, is
     * lost, as across a real crash.
     */
    void crashAndRestore() {
        redis.crash();
        redis.restart();
        try (Jedis jedis = redis.client()) {
            if (jedis.del(MARKER) != 1) {
                throw new IllegalStateException("The restarted Redis did not load the snapshot the test took;"
                        + " this test cannot run on this backend");
            }
        }
    }

    @Override
    public void close() {
        if (redis.isFrozen()) {
            redis.thaw();
        }
        if (!redis.isRunning()) {
            redis.restart();
        }
        try (Jedis jedis = redis.client()) {
            jedis.flushAll();
            jedis.save();
        }
    }
}
