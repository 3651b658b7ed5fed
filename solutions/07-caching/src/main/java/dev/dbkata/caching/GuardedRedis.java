package dev.dbkata.caching;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis client that never makes its caller wait long: every command gives up after the
 * configured timeout, a circuit breaker skips Redis after repeated failures, and deletions that
 * could not be made are remembered and made before Redis is trusted again.
 */
final class GuardedRedis implements AutoCloseable {

    private final RedisClient client;
    private final CircuitBreaker breaker;
    // Keys whose invalidation failed: until they are deleted, Redis may hold copies older than
    // the database, so nothing is read from it.
    // Each failure stores a fresh token, so that a flush removes only the failures it covered.
    private final Map<String, Object> pendingDeletes = new ConcurrentHashMap<>();
    private final Object flushing = new Object();

    GuardedRedis(URI redis, CacheSettings settings) {
        int timeoutMillis = Math.toIntExact(settings.redisTimeout().toMillis());
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("catalog")
                .build();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        // Enough for a burst of concurrent misses; a caller waits for a free connection no longer
        // than for a command.
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMaxWait(Duration.ofMillis(timeoutMillis));
        // RedisClient is Jedis 7's pooled, thread-safe client (JedisPooled before it).
        this.client = RedisClient.builder()
                .hostAndPort(new HostAndPort(redis.getHost(), redis.getPort()))
                .clientConfig(config)
                .poolConfig(pool)
                .build();
        this.breaker = new CircuitBreaker(settings.failuresToOpen(), settings.openFor());
    }

    /**
     * Runs {@code command} on Redis, after any pending deletions.
     *
     * @throws CacheUnavailableException when the breaker is open or Redis fails or times out
     */
    <T> T call(Function<UnifiedJedis, T> command) {
        if (!breaker.allowsCalls()) {
            throw new CacheUnavailableException("Redis is being skipped after repeated failures", null);
        }
        try {
            deletePending();
            T result = command.apply(client);
            breaker.recordSuccess();
            return result;
        } catch (JedisException e) {
            breaker.recordFailure();
            throw new CacheUnavailableException("Redis failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code keys} now if Redis answers, or as soon as it does: never throws, never
     * forgets.
     */
    void deleteEventually(String... keys) {
        try {
            call(jedis -> jedis.del(keys));
        } catch (CacheUnavailableException e) {
            for (String key : keys) {
                pendingDeletes.put(key, new Object());
            }
        }
    }

    private void deletePending() {
        if (pendingDeletes.isEmpty()) {
            return;
        }
        // One thread deletes while the others wait: none of them may read before the deletes land.
        synchronized (flushing) {
            for (Map.Entry<String, Object> pending : List.copyOf(pendingDeletes.entrySet())) {
                client.del(pending.getKey());
                pendingDeletes.remove(pending.getKey(), pending.getValue());
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
