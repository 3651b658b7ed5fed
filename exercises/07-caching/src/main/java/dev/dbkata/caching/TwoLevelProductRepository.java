package dev.dbkata.caching;

import java.net.URI;
import java.util.Optional;

/**
 * Products through two caches: an in-process one (Caffeine) in front of the shared Redis cache of
 * {@link CachedProductRepository}. A repeated read on one application server then costs neither a
 * query nor a Redis round trip.
 *
 * <p>The price is that every application server holds copies the others cannot delete directly.
 * So an update, after its commit and its Redis invalidation, announces the changed id on a Redis
 * pub/sub channel; every instance listens and drops its local copy when told. Contract:
 * <ul>
 *   <li>a read answered from the local cache sends no command to Redis and no query to PostgreSQL;</li>
 *   <li>a local copy lives at most {@link CacheSettings#localTtl()};</li>
 *   <li>after {@link #updatePrice} returns, the updating instance serves the new price at once and
 *       every other instance within a moment (the time a pub/sub message takes), not after
 *       {@code localTtl};</li>
 *   <li>the constructor returns only once this instance is subscribed, so that no announcement
 *       made after it returns is missed;</li>
 *   <li>messages sent while an instance is not subscribed are lost (pub/sub keeps nothing), so an
 *       instance whose subscription broke (Redis restarted, the connection reset, or a connection
 *       that went silent: PING it every {@link CacheSettings#heartbeat()} and give up on it after
 *       twice that without an answer) serves no local copy from before the break, and keeps
 *       none while it is not listening.</li>
 * </ul>
 * Thread-safe. Reads and writes below the local cache keep every rule of
 * {@link CachedProductRepository}.
 */
public final class TwoLevelProductRepository implements ProductRepository {

    private final ProductTable table;
    private final URI redis;
    private final CacheSettings settings;

    public TwoLevelProductRepository(ProductTable table, URI redis, CacheSettings settings) {
        this.table = table;
        this.redis = redis;
        this.settings = settings;
    }

    @Override
    public Optional<Product> findById(long id) {
        throw new UnsupportedOperationException("TODO(two-level-cache): answer from a Caffeine cache (expiring after"
                + " localTtl) and fall back to a CachedProductRepository on a local miss");
    }

    @Override
    public boolean updatePrice(long id, int priceCents) {
        throw new UnsupportedOperationException("TODO(two-level-cache): update through a CachedProductRepository,"
                + " drop the local copy, and PUBLISH the id so that every other instance drops its copy too");
    }

    @Override
    public void close() {
        // Nothing to release until you subscribe and create a CachedProductRepository.
    }
}
