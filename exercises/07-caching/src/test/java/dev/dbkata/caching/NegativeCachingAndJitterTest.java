package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.RedisNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import dev.dbkata.testkit.WithRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Task negative-caching-and-jitter: remember "no such product" briefly, and spread expiry times.
 *
 * <p>Rejects:
 * <ul>
 *   <li>no negative caching: every lookup of a missing id queries PostgreSQL;</li>
 *   <li>absences cached without an expiry, or for the long product TTL: a product created later
 *       stays invisible;</li>
 *   <li>a TTL-less cache (PTTL -1);</li>
 *   <li>one fixed TTL for every key: products loaded together all expire in the same instant;</li>
 *   <li>jitter that shortens the TTL below {@code ttl} or stretches it beyond {@code ttl + ttlJitter}.</li>
 * </ul>
 */
@Task(id = "negative-caching-and-jitter", title = "Negative caching and TTL jitter", points = 2)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@WithRedis(reset = Reset.BEFORE_EACH_TEST)
class NegativeCachingAndJitterTest {

    private static final long MISSING = 999;

    @BeforeEach
    void createCatalog(PostgresNode postgres) {
        Catalog.create(postgres, 100);
    }

    @Test
    @DisplayName("100 lookups of a product that does not exist run one SELECT and all answer 'absent'")
    void missingProductIsQueriedOnce(PostgresNode postgres, RedisNode redis) {
        DatabaseLoads.reset(postgres);
        List<Optional<Product>> answers = new ArrayList<>();
        try (CachedProductRepository repository = Catalog.repository(postgres, redis)) {
            for (int i = 0; i < 100; i++) {
                answers.add(repository.findById(MISSING));
            }
        }

        assertThat(answers).as("product %d does not exist", MISSING).allMatch(Optional::isEmpty);
        long loads = DatabaseLoads.count(postgres);
        assertThat(loads)
                .as("100 lookups of missing product %d ran %d SELECTs: cache the absence too (store"
                        + " ProductCodec.ABSENT) so that a missing key is not looked up forever", MISSING, loads)
                .isEqualTo(1);
    }

    @Test
    @DisplayName("an absence is remembered for negativeTtl only, so a product created later shows up")
    void absenceExpiresSoon(PostgresNode postgres, RedisNode redis) {
        CacheSettings settings = Catalog.SETTINGS.withNegativeTtl(Duration.ofMillis(500));
        try (CachedProductRepository repository = Catalog.repository(new ProductTable(postgres.dataSource()), redis,
                settings); Jedis jedis = redis.client()) {
            assertThat(repository.findById(MISSING)).isEmpty();

            String key = CacheKeys.product(MISSING);
            assertThat(jedis.get(key))
                    .as("after looking up missing product %d, %s should hold ProductCodec.ABSENT", MISSING, key)
                    .isEqualTo(ProductCodec.ABSENT);
            long pttl = jedis.pttl(key);
            assertThat(pttl)
                    .as("the absence of product %d should expire within negativeTtl (500 ms), not with the"
                            + " product TTL or never: PTTL is %d ms", MISSING, pttl)
                    .isBetween(1L, 500L);

            postgres.execute("INSERT INTO product (id, name, price_cents) VALUES (" + MISSING + ", 'new arrival', 1999)");
            Waits.until("the product created after its absence was cached to be found", Duration.ofSeconds(3),
                    () -> repository.findById(MISSING).isPresent());
        }
    }

    @Test
    @DisplayName("100 products loaded together get expiry times spread over the jitter range")
    void expiriesAreSpread(PostgresNode postgres, RedisNode redis) {
        Duration ttl = Duration.ofSeconds(60);
        Duration jitter = Duration.ofSeconds(30);
        CacheSettings settings = Catalog.SETTINGS.withTtl(ttl, jitter);
        long started = System.nanoTime();
        try (CachedProductRepository repository = Catalog.repository(new ProductTable(postgres.dataSource()), redis,
                settings)) {
            for (long id = 1; id <= 100; id++) {
                repository.findById(id);
            }
        }

        List<Long> pttls = new ArrayList<>();
        try (Jedis jedis = redis.client()) {
            for (long id = 1; id <= 100; id++) {
                pttls.add(jedis.pttl(CacheKeys.product(id)));
            }
        }
        // No key was set before `started`, so a TTL of at least `ttl` has lost at most this much by now
        // (plus a millisecond of rounding in Redis).
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + 2;
        LongSummaryStatistics spread = pttls.stream().mapToLong(Long::longValue).summaryStatistics();
        assertThat(spread.getMin())
                .as("every product should be cached with an expiry (PTTL -1: none; -2: not cached); lowest PTTL"
                        + " seen: %d ms", spread.getMin())
                .isPositive();
        assertThat(spread.getMax())
                .as("no expiry may exceed ttl + ttlJitter = %d ms", ttl.plus(jitter).toMillis())
                .isLessThanOrEqualTo(ttl.plus(jitter).toMillis());
        assertThat(spread.getMin())
                .as("jitter adds to ttl (%d ms) and never takes from it, but one PTTL was %d ms %d ms after the"
                        + " first load began", ttl.toMillis(), spread.getMin(), elapsedMillis)
                .isGreaterThanOrEqualTo(ttl.toMillis() - elapsedMillis);
        long range = spread.getMax() - spread.getMin();
        assertThat(range)
                .as("100 products loaded together will expire within %d ms of each other, and reload together;"
                        + " with ttl = 60 s and ttlJitter = 30 s, pick each key's TTL at random in [ttl, ttl +"
                        + " ttlJitter] so that expiries spread over the 30 s", range)
                .isGreaterThanOrEqualTo(jitter.toMillis() / 2);
    }
}
