package dev.dbkata.caching;

import java.net.URI;
import java.util.Optional;

/**
 * Products through a shared Redis cache (cache-aside): one instance per application server, every
 * instance talking to the same Redis and the same PostgreSQL.
 *
 * <p>What the servers must observe, task by task:
 * <ul>
 *   <li><b>cache-aside-read</b>: a read asks Redis first; on a miss it loads through
 *       {@link ProductTable#findById} and stores {@link ProductCodec#encode} under
 *       {@link CacheKeys#product} with an expiry. Repeated reads of a key cost one {@code SELECT},
 *       from any instance.</li>
 *   <li><b>invalidate-on-write</b>: {@link #updatePrice} writes through
 *       {@link ProductTable#updatePrice} and only after that commit removes the cached copy (it
 *       never writes the new value into the cache). When it returns, {@code product:<id>} does not
 *       exist in Redis. A reader that loaded the row before the update and stores it after the
 *       invalidation must not leave that old copy in Redis.</li>
 *   <li><b>stampede-protection</b>: many concurrent misses on one key, across instances, cause
 *       one {@code SELECT}; the other callers wait for the value and get it. The right to load
 *       expires after {@link CacheSettings#lockTtl()}, so a loader that hangs or dies holds up the
 *       key no longer than that; a loader that fails gives the right back at once.</li>
 *   <li><b>negative-caching-and-jitter</b>: a missing product is stored as
 *       {@link ProductCodec#ABSENT} for {@link CacheSettings#negativeTtl()}; a product is stored for
 *       a time drawn from {@code [ttl, ttl + ttlJitter]}.</li>
 *   <li><b>cache-outage</b>: when Redis hangs or is down, reads and writes still work from
 *       PostgreSQL; no Redis command waits longer than {@link CacheSettings#redisTimeout()}, and
 *       after {@link CacheSettings#failuresToOpen()} failures in a row Redis is skipped for
 *       {@link CacheSettings#openFor()}. When Redis is back, it is used again, but a copy that an
 *       update could not invalidate while Redis was away is never served. While Redis is
 *       unavailable, at most {@link CacheSettings#fallbackConcurrency()} reads of one instance
 *       run on PostgreSQL at once: a read that finds them all busy waits at most
 *       {@link CacheSettings#redisTimeout()} for its turn, then throws {@link LoadShedException}
 *       (a cache that is usually hit hides most of the reads from the database: all of them at
 *       once would overwhelm it).</li>
 * </ul>
 *
 * <p>Thread-safe: many threads call one instance at once. {@link #updatePrice} never waits for a
 * reader to finish loading.
 */
public final class CachedProductRepository implements ProductRepository {

    private final ProductTable table;
    private final URI redis;
    private final CacheSettings settings;

    /**
     * Builds the repository and its own Redis client (it does not connect yet, and a Redis that is
     * down must not make this constructor fail).
     *
     * @param table    the only way to PostgreSQL
     * @param redis    {@code redis://host:port}
     * @param settings expiry, locking and timeout choices
     */
    public CachedProductRepository(ProductTable table, URI redis, CacheSettings settings) {
        this.table = table;
        this.redis = redis;
        this.settings = settings;
    }

    @Override
    public Optional<Product> findById(long id) {
        throw new UnsupportedOperationException("TODO(cache-aside-read): look in Redis at CacheKeys.product(id);"
                + " on a miss load through the ProductTable and store ProductCodec.encode(product) with an expiry");
    }

    @Override
    public boolean updatePrice(long id, int priceCents) {
        throw new UnsupportedOperationException("TODO(invalidate-on-write): update through the ProductTable, then"
                + " delete CacheKeys.product(id) from Redis, and keep a reader that loaded the old row from caching it");
    }

    @Override
    public void close() {
        // Nothing to release until you create a Redis client.
    }
}
