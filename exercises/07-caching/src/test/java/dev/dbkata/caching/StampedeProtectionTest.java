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
import dev.dbkata.testkit.WithPostgres;
import dev.dbkata.testkit.WithRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task stampede-protection: many concurrent misses on one key cost one database load.
 *
 * <p>Rejects:
 * <ul>
 *   <li>no guard: every concurrent miss queries PostgreSQL;</li>
 *   <li>a guard that lives in one JVM only (a {@code synchronized} block, a single-flight map):
 *       two application servers still load twice;</li>
 *   <li>a guard that lets waiting callers fail: an exception, an empty result or a timeout
 *       instead of the product, also when the loader itself failed;</li>
 *   <li>a lock without expiry: a loader that hangs or dies blocks the key for good;</li>
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
        // The first load holds on to its row until a second load starts (the guard failed) or half a
        // second has passed, far below the 3 s lock expiry: time for the other callers to pile up.
        HeldLoad table = HeldLoad.untilAnotherLoadOr(postgres.dataSource(), Duration.ofMillis(500));
        DatabaseLoads.reset(postgres);
        List<Object> outcomes;
        try (CachedProductRepository first = Catalog.repository(table, redis, Catalog.SETTINGS);
             CachedProductRepository second = Catalog.repository(table, redis, Catalog.SETTINGS);
             Callers callers = new Callers()) {
            List<Callable<Optional<Product>>> reads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CachedProductRepository server = i % 2 == 0 ? first : second;
                reads.add(() -> server.findById(ID));
            }
            outcomes = Callers.outcomes(callers.startTogether(reads), BOUND);
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

            List<Callable<Optional<Product>>> reads = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                CachedProductRepository server = i % 2 == 0 ? first : second;
                reads.add(() -> server.findById(ID));
            }
            List<Future<Optional<Product>>> waiting = callers.startTogether(reads);
            // Room for the ten to find the key locked; a guard that fails them at once shows here already.
            Callers.settle(waiting, Duration.ofMillis(300));
            table.release();
            Callers.outcome(failing, BOUND);

            List<Object> outcomes = Callers.outcomes(waiting, BOUND);
            assertThat(outcomes)
                    .as("when the loader's query fails, it must give the lock back (the expiry is 30 s here) and"
                            + " the callers waiting for it must load the product themselves, not share its failure")
                    .allMatch(Optional.of(Catalog.original(ID))::equals);
        }
    }
}
