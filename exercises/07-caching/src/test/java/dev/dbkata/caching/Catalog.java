package dev.dbkata.caching;

import java.net.URI;
import java.time.Duration;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.RedisNode;

/** The products every test starts from, and the settings the tests build repositories with. */
final class Catalog {

    /** Settings whose limits are far from every test's timing, so only the rule under test matters. */
    static final CacheSettings SETTINGS = CacheSettings.defaults()
            .withTtl(Duration.ofMinutes(10), Duration.ofMinutes(2))
            .withNegativeTtl(Duration.ofSeconds(30))
            .withLockTtl(Duration.ofSeconds(3))
            .withBreaker(Duration.ofMillis(200), 3, Duration.ofMillis(500))
            .withLocalTtl(Duration.ofMinutes(1))
            .withFallbackConcurrency(8)
            .withHeartbeat(Duration.ofSeconds(1));

    private Catalog() {
    }

    /** Creates the product table with products 1..count, each priced {@link #priceOf(long)}. */
    static void create(PostgresNode postgres, int count) {
        postgres.runScript("/catalog.sql");
        postgres.execute("INSERT INTO product (id, name, price_cents)"
                + " SELECT i, 'product ' || i, 1000 + i FROM generate_series(1, " + count + ") AS i");
    }

    /** The price a product has before any test changes it. */
    static int priceOf(long id) {
        return 1000 + (int) id;
    }

    /** The row as the fixture created it. */
    static Product original(long id) {
        return new Product(id, "product " + id, priceOf(id), 1);
    }

    /** What PostgreSQL has now, read without touching the statement counts the tests assert on. */
    static int committedPrice(PostgresNode postgres, long id) {
        return postgres.queryValue("/* dbkata */ SELECT price_cents FROM product WHERE id = ?", Integer.class, id);
    }

    static URI uri(RedisNode redis) {
        return URI.create(redis.uri());
    }

    static CachedProductRepository repository(PostgresNode postgres, RedisNode redis) {
        return repository(new ProductTable(postgres.dataSource()), redis, SETTINGS);
    }

    static CachedProductRepository repository(ProductTable table, RedisNode redis, CacheSettings settings) {
        return new CachedProductRepository(table, uri(redis), settings);
    }
}
