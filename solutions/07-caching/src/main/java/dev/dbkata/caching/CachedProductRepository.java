package dev.dbkata.caching;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Products through a shared Redis cache (cache-aside), with leases against stale sets and
 * stampedes, negative caching, jittered expiry and a circuit breaker around Redis.
 *
 * <p>See the exercise's skeleton for the full contract. Thread-safe.
 */
public final class CachedProductRepository implements ProductRepository {

    private static final long POLL_MILLIS = 10;

    private final ProductTable table;
    private final CacheSettings settings;
    private final GuardedRedis redis;
    private final Expiry expiry;
    // While Redis is unavailable every read would go to PostgreSQL: at a 99% hit rate, a hundred
    // times its usual load. This bulkhead caps what one instance sends there at once.
    private final Semaphore fallbackLoads;

    public CachedProductRepository(ProductTable table, URI redis, CacheSettings settings) {
        this.table = table;
        this.settings = settings;
        this.redis = new GuardedRedis(redis, settings);
        this.expiry = new Expiry(settings);
        this.fallbackLoads = new Semaphore(settings.fallbackConcurrency());
    }

    @Override
    public Optional<Product> findById(long id) {
        try {
            return readThrough(id);
        } catch (CacheUnavailableException e) {
            // The cache is a shortcut, not a dependency: without it the database answers alone,
            // but only as many reads at once as it was sized for.
            return loadWithoutCache(id);
        }
    }

    private Optional<Product> loadWithoutCache(long id) {
        boolean admitted;
        try {
            admitted = fallbackLoads.tryAcquire(settings.redisTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadShedException("Interrupted while waiting to read product " + id + " from PostgreSQL");
        }
        if (!admitted) {
            throw new LoadShedException("Redis is unavailable and PostgreSQL is already answering "
                    + settings.fallbackConcurrency() + " reads from this server: product " + id + " not read");
        }
        try {
            return table.findById(id);
        } finally {
            fallbackLoads.release();
        }
    }

    private Optional<Product> readThrough(long id) {
        String key = CacheKeys.product(id);
        while (true) {
            String cached = redis.call(jedis -> jedis.get(key));
            if (cached != null) {
                return decode(cached);
            }
            Optional<LoadLease> lease = LoadLease.tryAcquire(redis, key, settings.lockTtl());
            if (lease.isPresent()) {
                // The previous holder may have stored the value and ended its lease between our
                // GET and our SET NX: look once more before loading again.
                String storedMeanwhile = redis.call(jedis -> jedis.get(key));
                if (storedMeanwhile != null) {
                    releaseQuietly(lease.get());
                    return decode(storedMeanwhile);
                }
                return loadAndStore(id, lease.get());
            }
            // Someone else is loading this key: wait for their value (or for their lease to end).
            pauseBeforeLookingAgain();
        }
    }

    private static Optional<Product> decode(String cached) {
        return cached.equals(ProductCodec.ABSENT) ? Optional.empty() : Optional.of(ProductCodec.decode(cached));
    }

    private Optional<Product> loadAndStore(long id, LoadLease lease) {
        Optional<Product> loaded;
        try {
            loaded = table.findById(id);
        } catch (RuntimeException e) {
            releaseQuietly(lease);
            throw e;
        }
        String value = loaded.map(ProductCodec::encode).orElse(ProductCodec.ABSENT);
        Duration ttl = loaded.isPresent() ? expiry.forProduct() : expiry.forAbsence();
        try {
            // Refused when an update ended the lease meanwhile: the row in hand may be older
            // than that update, though it is still a fair answer for this caller.
            lease.storeIfStillHeld(value, ttl);
        } catch (CacheUnavailableException e) {
            // Not cached this time; the caller still gets the row.
        }
        return loaded;
    }

    private static void releaseQuietly(LoadLease lease) {
        try {
            lease.release();
        } catch (CacheUnavailableException e) {
            // The lease expires by itself.
        }
    }

    private static void pauseBeforeLookingAgain() {
        try {
            Thread.sleep(POLL_MILLIS + ThreadLocalRandom.current().nextLong(POLL_MILLIS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheUnavailableException("Interrupted while waiting for another loader", e);
        }
    }

    @Override
    public boolean updatePrice(long id, int priceCents) {
        boolean changed = table.updatePrice(id, priceCents);
        if (changed) {
            // After the commit, never before: a reader in between would cache the old row again.
            // The lease goes too, so a reader that loaded before the commit cannot store its copy.
            String key = CacheKeys.product(id);
            redis.deleteEventually(key, LoadLease.leaseKeyFor(key));
        }
        return changed;
    }

    /** For a second cache level: announcements go through the same guarded client. */
    GuardedRedis redis() {
        return redis;
    }

    @Override
    public void close() {
        redis.close();
    }
}
