package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

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

/**
 * Task cache-outage: with Redis frozen or down the repository keeps working from PostgreSQL,
 * quickly, and when Redis returns it is used again without serving anything stale.
 *
 * <p>Settings here: each Redis command gives up after 200 ms; 3 failures in a row open the circuit
 * breaker for 500 ms.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a repository that throws when Redis is frozen or down, or cannot even be built while it is
 *       down;</li>
 *   <li>one that waits for the client's default socket timeout (2 s in Jedis) or longer;</li>
 *   <li>short timeouts but no circuit breaker: every read still waits for the frozen server;</li>
 *   <li>writes that fail, or do not reach PostgreSQL, because the invalidation failed;</li>
 *   <li>a breaker that never closes: the cache is not used again once Redis is back;</li>
 *   <li>forgetting an invalidation that failed during the outage: after it, Redis serves the
 *       price from before the update;</li>
 *   <li>sending that invalidation to the hung server anyway and counting on it: a server killed
 *       while frozen never runs it, and comes back from its snapshot with the old price.</li>
 * </ul>
 */
@Task(id = "cache-outage", title = "Keep serving when the cache is down", points = 4)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@WithRedis(reset = Reset.BEFORE_EACH_TEST)
class CacheOutageTest {

    private static final long ID = 3;
    private static final int NEW_PRICE = 3333;
    /** Far above a read from PostgreSQL, far below a hang. */
    private static final Duration READ_BOUND = Duration.ofSeconds(1);
    private static final Duration REDIS_TIMEOUT = Catalog.SETTINGS.redisTimeout();

    @BeforeEach
    void createCatalog(PostgresNode postgres) {
        Catalog.create(postgres, 20);
    }

    @Test
    @DisplayName("with Redis frozen, every read comes from PostgreSQL within a second, after a few timeouts Redis is skipped, and thawed it is used again")
    void frozenRedisCostsAFewTimeoutsOnly(PostgresNode postgres, RedisNode redis) {
        try (CachedProductRepository repository = Catalog.repository(postgres, redis);
             Callers callers = new Callers()) {
            redis.freeze();
            int waitedForRedis = 0;
            for (int i = 0; i < 30 && waitedForRedis <= 10; i++) {
                long id = 1 + i % 5;
                long started = System.nanoTime();
                Optional<Product> read = timed(callers, () -> repository.findById(id), "a read while Redis was frozen");
                if (System.nanoTime() - started >= REDIS_TIMEOUT.toNanos()) {
                    waitedForRedis++;
                }
                assertThat(read).as("with Redis frozen, the read should come from PostgreSQL").contains(Catalog.original(id));
            }
            assertThat(waitedForRedis)
                    .as("%s reads of 30 took the whole Redis timeout (%d ms) while Redis was frozen: after 3"
                            + " failures in a row a circuit breaker should skip Redis for openFor",
                            waitedForRedis > 10 ? "more than 10" : waitedForRedis, REDIS_TIMEOUT.toMillis())
                    .isLessThanOrEqualTo(10);

            redis.thaw();
            Waits.until("the repository to answer from Redis again once it was thawed (a breaker must close"
                    + " again after openFor)", Duration.ofSeconds(3), () -> {
                        long before = DatabaseLoads.count(postgres);
                        repository.findById(1);
                        return DatabaseLoads.count(postgres) == before;
                    });
        }
    }

    @Test
    @DisplayName("an update while Redis is frozen reaches PostgreSQL, and the copy it could not delete is never served after Redis returns")
    void invalidationsMissedDuringTheOutageAreNotForgotten(PostgresNode postgres, RedisNode redis) {
        List<Integer> pricesAfterReturn = new ArrayList<>();
        try (CachedProductRepository repository = Catalog.repository(postgres, redis);
             Callers callers = new Callers()) {
            repository.findById(ID);
            // Redis persists what it holds, the cached old price included, and will come back with it.
            try (RedisSnapshot snapshot = RedisSnapshot.take(redis)) {
                redis.freeze();
                // Enough failures to open the breaker: from now on the repository should not even try Redis.
                for (int i = 0; i < Catalog.SETTINGS.failuresToOpen(); i++) {
                    timed(callers, () -> repository.findById(ID), "a read while Redis was frozen");
                }

                boolean updated = timed(callers, () -> repository.updatePrice(ID, NEW_PRICE),
                        "an update while Redis was frozen");
                assertThat(updated).isTrue();
                assertThat(Catalog.committedPrice(postgres, ID))
                        .as("the update must reach PostgreSQL although Redis is frozen").isEqualTo(NEW_PRICE);
                assertThat(timed(callers, () -> repository.findById(ID), "a read while Redis was frozen")
                        .map(Product::priceCents))
                        .as("while Redis is frozen, reads come from PostgreSQL").contains(NEW_PRICE);

                // The hung server is killed and restarted from its snapshot: a DEL sent to it while it
                // was frozen is lost with it, and it comes back holding the old price.
                snapshot.crashAndRestore();
                Waits.until("the repository to answer from Redis again after it came back", Duration.ofSeconds(4),
                        () -> {
                            long before = DatabaseLoads.count(postgres);
                            pricesAfterReturn.add(repository.findById(ID).map(Product::priceCents).orElse(-1));
                            return DatabaseLoads.count(postgres) == before;
                        });
            }
        }
        assertThat(pricesAfterReturn)
                .as("Redis came back from its snapshot still holding price %d, cached before the update that"
                        + " could not delete it; none of these reads may return it: remember the invalidations that"
                        + " failed (or were skipped) and make them before reading from Redis again",
                        Catalog.priceOf(ID))
                .containsOnly(NEW_PRICE);
    }

    @Test
    @DisplayName("with Redis crashed, reads and writes work from PostgreSQL; restarted, Redis is used again")
    void crashedRedisIsBypassedAndReused(PostgresNode postgres, RedisNode redis) {
        List<Integer> pricesAfterRestart = new ArrayList<>();
        try (CachedProductRepository repository = Catalog.repository(postgres, redis);
             Callers callers = new Callers()) {
            repository.findById(ID);
            redis.crash();

            for (int i = 0; i < 10; i++) {
                assertThat(timed(callers, () -> repository.findById(ID), "a read while Redis was down"))
                        .as("with Redis down, reads come from PostgreSQL").contains(Catalog.original(ID));
            }
            assertThat(timed(callers, () -> repository.updatePrice(ID, NEW_PRICE), "an update while Redis was down"))
                    .isTrue();
            assertThat(Catalog.committedPrice(postgres, ID))
                    .as("the update must reach PostgreSQL although Redis is down").isEqualTo(NEW_PRICE);

            CachedProductRepository startedDuringTheOutage = timed(callers, () -> Catalog.repository(postgres, redis),
                    "building a repository while Redis was down (the constructor must not need Redis)");
            try (startedDuringTheOutage) {
                assertThat(timed(callers, () -> startedDuringTheOutage.findById(ID), "a read on a repository built"
                        + " while Redis was down")).as("a repository built while Redis is down still reads from"
                        + " PostgreSQL").contains(new Product(ID, "product " + ID, NEW_PRICE, 2));
            }

            redis.restart();
            Waits.until("the repository to answer from Redis again after its restart", Duration.ofSeconds(4), () -> {
                long before = DatabaseLoads.count(postgres);
                pricesAfterRestart.add(repository.findById(ID).map(Product::priceCents).orElse(-1));
                return DatabaseLoads.count(postgres) == before;
            });
        }
        assertThat(pricesAfterRestart).as("reads after the restart show the committed price").containsOnly(NEW_PRICE);
    }

    /** Runs {@code call} on another thread and fails the test if it takes longer than {@link #READ_BOUND}. */
    private static <T> T timed(Callers callers, Callable<T> call, String what) {
        Future<T> running = callers.start(call);
        return Callers.result(running, READ_BOUND, what + " (use short Redis timeouts, not the client's default,"
                + " and never let a cache failure reach the caller)");
    }
}
