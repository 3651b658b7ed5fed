package dev.dbkata.caching;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of the cache. Tests choose their own values; production would read them from
 * configuration.
 *
 * @param ttl            the shortest time a cached product lives in Redis
 * @param ttlJitter      how much longer, at most, a cached product may live: each write picks its
 *                       own time to live in {@code [ttl, ttl + ttlJitter]}, so that keys loaded
 *                       together do not expire together; zero means every key gets {@code ttl}
 * @param negativeTtl    how long "no such product" is remembered; short, since the product may be
 *                       created at any moment
 * @param lockTtl        how long the right to load a key lasts when its holder never gives it back
 *                       (a crashed or stuck loader)
 * @param redisTimeout   how long one Redis command (connecting included) may take before the
 *                       repository gives up on it
 * @param failuresToOpen how many Redis failures in a row make the repository stop asking Redis
 * @param openFor        how long it then leaves Redis alone before trying it again
 * @param localTtl       two-level cache only: the longest a copy may live in the in-process cache
 * @param fallbackConcurrency how many reads one repository may send to PostgreSQL at once while
 *                       Redis is unavailable; a read that finds them all taken waits at most
 *                       {@code redisTimeout} for one, then fails with {@link LoadShedException}
 * @param heartbeat      two-level cache only: how often the subscriber PINGs Redis on its
 *                       subscribed connection; a subscription that has heard nothing (not even
 *                       the PONG) for twice this long is treated as broken
 */
public record CacheSettings(
        Duration ttl,
        Duration ttlJitter,
        Duration negativeTtl,
        Duration lockTtl,
        Duration redisTimeout,
        int failuresToOpen,
        Duration openFor,
        Duration localTtl,
        int fallbackConcurrency,
        Duration heartbeat) {

    public CacheSettings {
        requirePositive(ttl, "ttl");
        Objects.requireNonNull(ttlJitter, "ttlJitter");
        if (ttlJitter.isNegative()) {
            throw new IllegalArgumentException("ttlJitter must not be negative: " + ttlJitter);
        }
        requirePositive(negativeTtl, "negativeTtl");
        requirePositive(lockTtl, "lockTtl");
        requirePositive(redisTimeout, "redisTimeout");
        if (failuresToOpen < 1) {
            throw new IllegalArgumentException("failuresToOpen must be at least 1: " + failuresToOpen);
        }
        requirePositive(openFor, "openFor");
        requirePositive(localTtl, "localTtl");
        if (fallbackConcurrency < 1) {
            throw new IllegalArgumentException("fallbackConcurrency must be at least 1: " + fallbackConcurrency);
        }
        requirePositive(heartbeat, "heartbeat");
    }

    /**
     * Ten minutes plus up to two of jitter; absences for 30 s; short Redis timeouts; eight fallback
     * reads at once; a heartbeat every second.
     */
    public static CacheSettings defaults() {
        return new CacheSettings(Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofMillis(250), 3, Duration.ofSeconds(1), Duration.ofMinutes(1), 8,
                Duration.ofSeconds(1));
    }

    public CacheSettings withTtl(Duration ttl, Duration ttlJitter) {
        return new CacheSettings(ttl, ttlJitter, negativeTtl, lockTtl, redisTimeout, failuresToOpen, openFor, localTtl,
                fallbackConcurrency, heartbeat);
    }

    public CacheSettings withNegativeTtl(Duration negativeTtl) {
        return new CacheSettings(ttl, ttlJitter, negativeTtl, lockTtl, redisTimeout, failuresToOpen, openFor, localTtl,
                fallbackConcurrency, heartbeat);
    }

    public CacheSettings withLockTtl(Duration lockTtl) {
        return new CacheSettings(ttl, ttlJitter, negativeTtl, lockTtl, redisTimeout, failuresToOpen, openFor, localTtl,
                fallbackConcurrency, heartbeat);
    }

    public CacheSettings withBreaker(Duration redisTimeout, int failuresToOpen, Duration openFor) {
        return new CacheSettings(ttl, ttlJitter, negativeTtl, lockTtl, redisTimeout, failuresToOpen, openFor, localTtl,
                fallbackConcurrency, heartbeat);
    }

    public CacheSettings withLocalTtl(Duration localTtl) {
        return new CacheSettings(ttl, ttlJitter, negativeTtl, lockTtl, redisTimeout, failuresToOpen, openFor, localTtl,
                fallbackConcurrency, heartbeat);
    }

    public CacheSettings withFallbackConcurrency(int fallbackConcurrency) {
        return new CacheSettings(ttl, ttlJitter, negativeTtl, lockTtl, redisTimeout, failuresToOpen, openFor, localTtl,
                fallbackConcurrency, heartbeat);
    }

    public CacheSettings withHeartbeat(Duration heartbeat) {
        return new CacheSettings(ttl, ttlJitter, negativeTtl, lockTtl, redisTimeout, failuresToOpen, openFor, localTtl,
                fallbackConcurrency, heartbeat);
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
