package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

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
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Task cache-outage: with Redis frozen or down the repository keeps working from PostgreSQL,
 * quickly, and when Redis returns it is used again without serving anything stale.
 *
 * <p>Settings here: each Redis command gives up after 200 ms; 3 failures in a row open the circuit
 * breaker for 500 ms; at most 3 reads at once go to PostgreSQL instead (fallbackConcurrency).
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
 *       while frozen never runs it, and comes back from its snapshot with the old price;</li>
 *   <li>an unbounded fallback ("every Redis failure is a reason to go to PostgreSQL"): with Redis
 *       down, every reader at once queries the database, which the cache was hiding them from (the
 *       test holds the product table locked and counts, in {@code pg_stat_activity}, the reads
 *       waiting for it);</li>
 *   <li>a cap on those reads that makes the others queue for as long as it takes, instead of
 *       giving up after {@code redisTimeout} with a {@link LoadShedException}.</li>
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

    @Test
    @DisplayName("with Redis down, 20 readers at once send at most fallbackConcurrency reads to PostgreSQL; the others give up quickly instead of piling onto it")
    void outageLoadOnTheDatabaseIsBounded(PostgresNode postgres, RedisNode redis) throws SQLException {
        int cap = 3;
        int readers = 20;
        // The breaker stays open for the whole test: every reader goes straight to the fallback.
        CacheSettings settings = Catalog.SETTINGS.withFallbackConcurrency(cap)
                .withBreaker(REDIS_TIMEOUT, 3, Duration.ofMinutes(1));
        // Unpooled, so that no reader waits for a pooled connection: a reader waiting in the JVM is
        // waiting for a turn the repository gives out.
        PGSimpleDataSource unpooled = new PGSimpleDataSource();
        unpooled.setUrl(postgres.jdbcUrl());
        unpooled.setUser(postgres.user());
        unpooled.setConnectTimeout(5);
        unpooled.setSocketTimeout(30);
        AtomicLong mostAtOnce = new AtomicLong();
        try (CachedProductRepository repository = Catalog.repository(new ProductTable(unpooled), redis, settings);
             Callers callers = new Callers();
             Connection locker = postgres.connect()) {
            redis.crash();
            for (int i = 0; i < 3; i++) {
                timed(callers, () -> repository.findById(ID), "a read while Redis was down");
            }
            // Every SELECT on the table now waits for this lock, on the server, where the test counts it.
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE product IN ACCESS EXCLUSIVE MODE");
            }
            List<Callable<Optional<Product>>> reads = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                long id = 1 + i;
                reads.add(() -> repository.findById(id));
            }
            List<Future<Optional<Product>>> calls = callers.startTogether(reads);

            // Each reader ends up waiting in PostgreSQL, waiting in the JVM (for its turn, or for a
            // pooled connection), or done; only then is the count final.
            Waits.until("each of the " + readers + " readers to be waiting in PostgreSQL for the locked table,"
                    + " waiting for its turn, or done", Duration.ofSeconds(10), () -> {
                        long inDatabase = readsWaitingForTheTable(postgres);
                        mostAtOnce.accumulateAndGet(inDatabase, Math::max);
                        return inDatabase + callers.waitingOrDone(calls) >= readers;
                    });
            assertThat(mostAtOnce.get())
                    .as("with Redis down, %d of %d concurrent reads were running on PostgreSQL at once"
                            + " (pg_stat_activity): at a 99%% hit rate an outage sends a hundred times the usual"
                            + " reads there. Bound the fallback: at most fallbackConcurrency (%d here) at a time"
                            + " per repository (a semaphore), the others wait briefly, then give up",
                            mostAtOnce.get(), readers, cap)
                    .isLessThanOrEqualTo(cap);
            assertThat(mostAtOnce.get())
                    .as("no read reached PostgreSQL while Redis was down: the database must still answer")
                    .isPositive();
            Waits.until("the readers beyond fallbackConcurrency to give up with a LoadShedException while the"
                    + " database is busy (wait at most redisTimeout, 200 ms here, for a turn: a queue that"
                    + " waits as long as it takes holds every request thread of the server; 'last seen' counts"
                    + " the readers still queued)", Duration.ofSeconds(3),
                    () -> readers - readsWaitingForTheTable(postgres) - calls.stream().filter(Future::isDone).count(),
                    stillQueued -> stillQueued <= 0);

            locker.commit();
            List<Object> outcomes = Callers.outcomes(calls, Duration.ofSeconds(5));
            long answered = 0;
            for (int i = 0; i < readers; i++) {
                Object outcome = outcomes.get(i);
                if (outcome instanceof Optional<?>) {
                    assertThat(outcome).as("reader %d", i).isEqualTo(Optional.of(Catalog.original(1 + i)));
                    answered++;
                } else {
                    assertThat(outcome.toString())
                            .as("a reader turned away during the outage should get a LoadShedException")
                            .contains(LoadShedException.class.getName());
                }
            }
            assertThat(answered).as("the reads that got their turn should return their product").isPositive();
        }
    }

    /** Reads of the product table waiting for the lock the test holds, as PostgreSQL sees them. */
    private static long readsWaitingForTheTable(PostgresNode postgres) {
        return postgres.queryValue("/* dbkata */ SELECT count(*) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND query ILIKE '%FROM product WHERE%'", Long.class);
    }

    /** Runs {@code call} on another thread and fails the test if it takes longer than {@link #READ_BOUND}. */
    private static <T> T timed(Callers callers, Callable<T> call, String what) {
        Future<T> running = callers.start(call);
        return Callers.result(running, READ_BOUND, what + " (use short Redis timeouts, not the client's default,"
                + " and never let a cache failure reach the caller)");
    }
}
