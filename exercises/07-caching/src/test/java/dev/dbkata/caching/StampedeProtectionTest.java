package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
import redis.clients.jedis.Jedis;

/**
 * Task stampede-protection: many concurrent misses on one key cost one database load.
 *
 * <p>Rejects:
 * <ul>
 *   <li>no guard: every concurrent miss queries PostgreSQL;</li>
 *   <li>a guard that lives in one JVM only (a {@code synchronized} block, a single-flight map):
 *       two application servers still load twice; made static, it fools two instances in one JVM,
 *       but Redis holds no lock while the load runs;</li>
 *   <li>a guard that lets waiting callers fail: an exception, an empty result or a timeout
 *       instead of the product, also when the loader itself failed;</li>
 *   <li>a lock without expiry: Redis shows it with no PTTL, and a loader that hangs or dies blocks
 *       the key for good;</li>
 *   <li>a lock taken by "GET, then SET if nobody holds it" (not one atomic SET NX): concurrent
 *       callers all see it free and load;</li>
 *   <li>a lock that a failed load does not give back: the next caller waits for its expiry.</li>
 * </ul>
 */
@Task(id = "stampede-protection", title = "One load for a stampede on a cold key", points = 3)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@WithRedis(reset = Reset.BEFORE_EACH_TEST)
class StampedeProtectionTest {

    private static final long ID = 7;
    private static final Duration BOUND = Duration.ofSeconds(3);

    @BeforeEach
    void createCatalog(PostgresNode postgres) {
        Catalog.create(postgres, 20);
    }

    @Test
    @DisplayName("50 concurrent reads of a cold product on two application servers run one SELECT, and all 50 get the product")
    void fiftyCallersOneLoad(PostgresNode postgres, RedisNode redis) {
        // The first load holds on to its row until every other caller waits for it, so that none can
        // arrive late and find the value already stored; a second load (the guard let a caller
        // through) ends the hold at once. The lock outlives any hold, so only the guard decides.
        CacheSettings settings = Catalog.SETTINGS.withLockTtl(Duration.ofSeconds(10));
        HeldLoad table = HeldLoad.untilReleasedOrAnotherLoad(postgres.dataSource());
        DatabaseLoads.reset(postgres);
        List<Object> outcomes;
        try (CachedProductRepository first = Catalog.repository(table, redis, settings);
             CachedProductRepository second = Catalog.repository(table, redis, settings);
             Callers callers = new Callers()) {
            List<Callable<Optional<Product>>> reads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CachedProductRepository server = i % 2 == 0 ? first : second;
                reads.add(() -> server.findById(ID));
            }
            List<Future<Optional<Product>>> running = callers.startTogether(reads);
            Waits.until("one of the 50 reads to load product " + ID + " through the ProductTable", Duration.ofSeconds(5),
                    () -> table.wasHeld() || running.stream().allMatch(Future::isDone));
            callers.awaitAllWaiting(running, Duration.ofSeconds(2), table::isReleased);
            table.release();
            outcomes = Callers.outcomes(running, BOUND);
        }

        assertThat(outcomes)
                .as("every caller should get product %d; a caller that finds the key being loaded waits for"
                        + " the loader's value instead of failing", ID)
                .allMatch(Optional.of(Catalog.original(ID))::equals);
        long loads = DatabaseLoads.count(postgres);
        assertThat(loads)
                .as("50 concurrent misses on %s, over two application servers, ran %d SELECTs: let one caller"
                        + " load (a lock in Redis: SET key token NX PX) while the others wait for the value",
                        CacheKeys.product(ID), loads)
                .isEqualTo(1);
    }

    @Test
    @DisplayName("a loader that hangs holding the lock blocks the product only until the lock expires")
    void hungLoaderBlocksOnlyUntilExpiry(PostgresNode postgres, RedisNode redis) {
        CacheSettings settings = Catalog.SETTINGS.withLockTtl(Duration.ofSeconds(1));
        HeldLoad table = HeldLoad.untilReleased(postgres.dataSource());
        try (CachedProductRepository first = Catalog.repository(table, redis, settings);
             CachedProductRepository second = Catalog.repository(table, redis, settings);
             Callers callers = new Callers()) {
            Future<Optional<Product>> hung = callers.start(() -> first.findById(ID));
            table.awaitHeld(hung);

            Future<Optional<Product>> sameServer = callers.start(() -> first.findById(ID));
            Future<Optional<Product>> otherServer = callers.start(() -> second.findById(ID));

            String why = " while another loader hung holding the lock: the lock must expire after lockTtl (1 s)"
                    + " so that a dead loader does not block the key";
            assertThat(Callers.result(otherServer, BOUND, "a read on another application server" + why))
                    .contains(Catalog.original(ID));
            assertThat(Callers.result(sameServer, BOUND, "a second read on the hung loader's server" + why))
                    .contains(Catalog.original(ID));
            table.release();
            Callers.outcome(hung, BOUND);
        }
    }

    @Test
    @DisplayName("a loader that fails gives the lock back at once, and the callers waiting for it still get the product")
    void failedLoaderReleasesTheLock(PostgresNode postgres, RedisNode redis) {
        // An expiry far beyond the test's bounds: only an explicit release lets the waiters through in time.
        CacheSettings settings = Catalog.SETTINGS.withLockTtl(Duration.ofSeconds(30));
        HeldLoad table = HeldLoad.untilReleasedThenFailing(postgres.dataSource());
        try (CachedProductRepository first = Catalog.repository(table, redis, settings);
             CachedProductRepository second = Catalog.repository(table, redis, settings);
             Callers callers = new Callers()) {
            Future<Optional<Product>> failing = callers.start(() -> first.findById(ID));
            table.awaitHeld(failing);
            assertTheLoadIsLockedInRedis(redis, settings.lockTtl());

            List<Callable<Optional<Product>>> reads = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                CachedProductRepository server = i % 2 == 0 ? first : second;
                reads.add(() -> server.findById(ID));
            }
            List<Future<Optional<Product>>> waiting = callers.startTogether(reads);
            // The ten must be waiting for the lock when the load fails, not arrive after it and find
            // the lock free; a guard that fails them at once shows in their outcomes.
            callers.awaitAllWaiting(waiting, Duration.ofSeconds(2), () -> false);
            table.release();
            Callers.outcome(failing, BOUND);

            List<Object> outcomes = Callers.outcomes(waiting, BOUND);
            assertThat(outcomes)
                    .as("when the loader's query fails, it must give the lock back (the expiry is 30 s here) and"
                            + " the callers waiting for it must load the product themselves, not share its failure")
                    .allMatch(Optional.of(Catalog.original(ID))::equals);
        }
    }

    /** A lock in the JVM stops no other application server; one without expiry outlives a dead loader. */
    private static void assertTheLoadIsLockedInRedis(RedisNode redis, Duration lockTtl) {
        Map<String, Long> expiries = new TreeMap<>();
        try (Jedis jedis = redis.client()) {
            for (String key : jedis.keys("*")) {
                if (!key.equals(CacheKeys.product(ID))) {
                    expiries.put(key, jedis.pttl(key));
                }
            }
        }
        assertThat(expiries.values())
                .as("while product %d is being loaded, its lock should be in Redis, where every application server"
                        + " sees it: a key of your own, set with NX and an expiry of at most lockTtl (%d ms here)."
                        + " Redis holds %s (key=PTTL in ms; -1 means no expiry). A lock in the JVM (synchronized,"
                        + " a map of futures, even a static one) does not stop another server",
                        ID, lockTtl.toMillis(), expiries)
                .anyMatch(pttl -> pttl > 0 && pttl <= lockTtl.toMillis());
    }
}
