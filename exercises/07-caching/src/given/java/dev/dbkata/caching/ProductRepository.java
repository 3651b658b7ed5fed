package dev.dbkata.caching;

import java.util.Optional;

/** Products as the application sees them: read often, changed now and then. Thread-safe. */
public interface ProductRepository extends AutoCloseable {

    /**
     * The product with this id as PostgreSQL last committed it, or as a cache remembers it.
     *
     * @return empty when there is no such product
     * @throws DatabaseException only when the database itself fails, never because of the cache
     * @throws LoadShedException while the cache is unavailable and the database already answers
     *         as many reads from this repository as {@link CacheSettings#fallbackConcurrency()}
     */
    Optional<Product> findById(long id);

    /**
     * Changes a product's price in the database; once this returns, no reader anywhere is served
     * the old price from a cache.
     *
     * @return whether the product existed
     * @throws DatabaseException only when the database itself fails, never because of the cache
     */
    boolean updatePrice(long id, int priceCents);

    /** Releases connections and threads; the repository is not used afterwards. */
    @Override
    void close();
}
