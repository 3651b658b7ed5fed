package dev.dbkata.caching;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A Caffeine cache in front of {@link CachedProductRepository}, kept honest across application
 * servers by invalidation messages on Redis pub/sub. See the exercise's skeleton for the contract.
 */
public final class TwoLevelProductRepository implements ProductRepository {

    private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(5);

    private final CachedProductRepository shared;
    private final Cache<Long, Optional<Product>> local;
    private final InvalidationListener listener;

    public TwoLevelProductRepository(ProductTable table, URI redis, CacheSettings settings) {
        this.shared = new CachedProductRepository(table, redis, settings);
        this.local = Caffeine.newBuilder()
                .expireAfterWrite(settings.localTtl())
                .maximumSize(10_000)
                .build();
        this.listener = new InvalidationListener(redis, settings, local::invalidate, local::invalidateAll);
        listener.start(SUBSCRIBE_WAIT);
    }

    @Override
    public Optional<Product> findById(long id) {
        if (!listener.isListening()) {
            // Deaf to invalidations: a copy kept now could miss its message, so keep none.
            return shared.findById(id);
        }
        // Caffeine computes a key under its lock: an invalidation arriving during the load waits
        // for it and then removes what it stored, instead of being overtaken by it.
        return local.get(id, shared::findById);
    }

    @Override
    public boolean updatePrice(long id, int priceCents) {
        boolean changed = shared.updatePrice(id, priceCents);
        if (changed) {
            local.invalidate(id);
            try {
                shared.redis().call(jedis -> jedis.publish(InvalidationListener.CHANNEL, Long.toString(id)));
            } catch (CacheUnavailableException e) {
                // The other servers keep their copy until localTtl, or drop everything when their
                // subscription breaks and again when it is re-established after the outage.
            }
        }
        return changed;
    }

    @Override
    public void close() {
        listener.close();
        shared.close();
    }
}
