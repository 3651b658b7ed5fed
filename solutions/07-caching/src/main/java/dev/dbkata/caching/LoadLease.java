package dev.dbkata.caching;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import redis.clients.jedis.params.SetParams;

/**
 * The right to load one key from the database and store the result: a Redis key holding a random
 * token, with an expiry so that a dead holder frees the key by itself. An update deletes the
 * lease along with the value; a holder that finds its lease gone (or replaced) stores nothing,
 * because the row it loaded may predate that update.
 */
final class LoadLease {

    // Stores the value only while the caller still holds the lease, and ends the lease: both in
    // one step, so an update cannot slip in between the check and the write.
    private static final String STORE_IF_HELD = """
            if redis.call('GET', KEYS[2]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              redis.call('DEL', KEYS[2])
              return 1
            end
            return 0
            """;

    private static final String RELEASE_IF_HELD = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final GuardedRedis redis;
    private final String valueKey;
    private final String leaseKey;
    private final String token;

    private LoadLease(GuardedRedis redis, String valueKey, String token) {
        this.redis = redis;
        this.valueKey = valueKey;
        this.leaseKey = leaseKeyFor(valueKey);
        this.token = token;
    }

    static String leaseKeyFor(String valueKey) {
        return valueKey + ":lease";
    }

    /** Takes the lease on {@code valueKey} if nobody holds it. */
    static Optional<LoadLease> tryAcquire(GuardedRedis redis, String valueKey, Duration lifetime) {
        String token = UUID.randomUUID().toString();
        String reply = redis.call(jedis -> jedis.set(leaseKeyFor(valueKey), token,
                SetParams.setParams().nx().px(lifetime.toMillis())));
        return "OK".equals(reply) ? Optional.of(new LoadLease(redis, valueKey, token)) : Optional.empty();
    }

    /** Stores {@code value} for {@code ttl} if the lease is still this one's; ends the lease either way. */
    boolean storeIfStillHeld(String value, Duration ttl) {
        Object stored = redis.call(jedis -> jedis.eval(STORE_IF_HELD, List.of(valueKey, leaseKey),
                List.of(token, value, Long.toString(ttl.toMillis()))));
        return Long.valueOf(1).equals(stored);
    }

    /** Gives the lease back without storing anything, so that the next caller loads at once. */
    void release() {
        redis.call(jedis -> jedis.eval(RELEASE_IF_HELD, List.of(leaseKey), List.of(token)));
    }
}
