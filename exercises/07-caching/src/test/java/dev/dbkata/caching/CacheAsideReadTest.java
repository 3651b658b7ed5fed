package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.RedisNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import dev.dbkata.testkit.WithRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Task cache-aside-read: Redis first; on a miss, load from PostgreSQL and store with a TTL.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a repository that queries PostgreSQL on every read (1,000 reads, 1,000 SELECTs);</li>
 *   <li>a cache kept in the instance's own memory (a map) instead of Redis: a second application
 *       server queries PostgreSQL again, and Redis holds nothing;</li>
 *   <li>values stored without an expiry (PTTL -1), or with one longer than configured;</li>
 *   <li>a cache that hands back something other than the committed row (a wrong field, a
 *       mangled name, a lost version).</li>
 * </ul>
 */
@Task(id = "cache-aside-read", title = "Cache-aside reads through Redis", points = 2)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@WithRedis(reset = Reset.BEFORE_EACH_TEST)
class CacheAsideReadTest {

    private static final int HOT_PRODUCTS = 20;

    @BeforeEach
    void createCatalog(PostgresNode postgres) {
        Catalog.create(postgres, 100);
    }

    @Test
    @DisplayName("1,000 reads of 20 hot products reach PostgreSQL at most 20 times, and every read returns the row")
    void hotProductsAreLoadedOnce(PostgresNode postgres, RedisNode redis) {
        List<String> wrongAnswers = new ArrayList<>();
        DatabaseLoads.reset(postgres);

        try (CachedProductRepository repository = Catalog.repository(postgres, redis)) {
            for (int i = 0; i < 1_000; i++) {
                long id = 1 + (i * 7L) % HOT_PRODUCTS;
                Optional<Product> read = repository.findById(id);
                if (!read.equals(Optional.of(Catalog.original(id)))) {
                    wrongAnswers.add("product " + id + " read as " + read);
                }
            }
        }

        assertThat(wrongAnswers)
                .as("every read should return the row PostgreSQL holds, e.g. %s", Catalog.original(1))
                .isEmpty();
        long loads = DatabaseLoads.count(postgres);
        assertThat(loads)
                .as("1,000 reads of %d products should query PostgreSQL at most once per product (a miss loads"
                        + " and stores in Redis, later reads hit Redis), but PostgreSQL ran %d SELECTs",
                        HOT_PRODUCTS, loads)
                .isBetween(1L, (long) HOT_PRODUCTS);
    }

    @Test
    @DisplayName("a second application server finds the products in Redis and queries nothing")
    void theCacheIsSharedThroughRedis(PostgresNode postgres, RedisNode redis) {
        try (CachedProductRepository first = Catalog.repository(postgres, redis)) {
            for (long id = 1; id <= HOT_PRODUCTS; id++) {
                first.findById(id);
            }
        }
        DatabaseLoads.reset(postgres);

        try (CachedProductRepository second = Catalog.repository(postgres, redis)) {
            for (long id = 1; id <= HOT_PRODUCTS; id++) {
                assertThat(second.findById(id)).contains(Catalog.original(id));
            }
        }

        long loads = DatabaseLoads.count(postgres);
        assertThat(loads)
                .as("a second repository instance (another application server) should find all %d products in"
                        + " Redis, but it ran %d SELECTs: is the cache kept in the instance instead of Redis?",
                        HOT_PRODUCTS, loads)
                .isZero();
    }

    @Test
    @DisplayName("each cached product is stored under product:<id> as its encoding, with an expiry within the configured TTL")
    void cachedProductsExpire(PostgresNode postgres, RedisNode redis) {
        try (CachedProductRepository repository = Catalog.repository(postgres, redis)) {
            for (long id = 1; id <= 5; id++) {
                repository.findById(id);
            }
        }

        long longest = Catalog.SETTINGS.ttl().plus(Catalog.SETTINGS.ttlJitter()).toMillis();
        try (Jedis jedis = redis.client()) {
            for (long id = 1; id <= 5; id++) {
                String key = CacheKeys.product(id);
                assertThat(jedis.get(key))
                        .as("after reading product %d, Redis should hold ProductCodec.encode(row) at %s", id, key)
                        .isEqualTo(ProductCodec.encode(Catalog.original(id)));
                long pttl = jedis.pttl(key);
                assertThat(pttl)
                        .as("%s should expire: PTTL is %d ms (-1 means no expiry); store it with a TTL of at most"
                                + " ttl + ttlJitter = %d ms", key, pttl, longest)
                        .isBetween(1L, longest);
            }
        }
    }
}
