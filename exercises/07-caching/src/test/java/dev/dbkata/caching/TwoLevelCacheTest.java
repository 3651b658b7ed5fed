package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import dev.dbkata.testkit.Level;
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
 * Task two-level-cache: an in-process Caffeine cache in front of Redis on each application server,
 * kept honest by invalidation messages on Redis pub/sub.
 *
 * <p>Rejects:
 * <ul>
 *   <li>no local cache: every read is still a Redis round trip;</li>
 *   <li>a local cache that only expires: another server serves the old price until localTtl (60 s here);</li>
 *   <li>an update that drops only its own local copy, or announces the change but leaves Redis
 *       holding the old value;</li>
 *   <li>an updating server that keeps serving its own old copy.</li>
 * </ul>
 */
@Task(id = "two-level-cache", title = "Two-level cache kept coherent by pub/sub", level = Level.ADVANCED, points = 5)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@WithRedis(reset = Reset.BEFORE_EACH_TEST)
class TwoLevelCacheTest {

    private static final long ID = 3;
    private static final int NEW_PRICE = 3333;

    @BeforeEach
    void createCatalog(PostgresNode postgres) {
        Catalog.create(postgres, 20);
    }

    @Test
    @DisplayName("repeated reads on one server are answered in-process: no Redis command and no SELECT")
    void repeatedReadsStayInProcess(PostgresNode postgres, RedisNode redis) {
        try (TwoLevelProductRepository server = twoLevel(postgres, redis)) {
            for (long id = 1; id <= 5; id++) {
                server.findById(id);
            }
            RedisCommandCount.reset(redis);
            DatabaseLoads.reset(postgres);

            for (int i = 0; i < 100; i++) {
                long id = 1 + i % 5;
                assertThat(server.findById(id)).contains(Catalog.original(id));
            }

            long redisCommands = RedisCommandCount.count(redis);
            assertThat(redisCommands)
                    .as("100 reads of 5 products already read once should be answered by the in-process cache,"
                            + " but Redis executed %d commands for them", redisCommands)
                    .isZero();
            assertThat(DatabaseLoads.count(postgres)).as("nor should they reach PostgreSQL").isZero();
        }
    }

    @Test
    @DisplayName("an update on one server drops the other server's local copy within seconds, long before localTtl")
    void updateReachesTheOtherServersLocalCache(PostgresNode postgres, RedisNode redis) {
        try (TwoLevelProductRepository writer = twoLevel(postgres, redis);
             TwoLevelProductRepository reader = twoLevel(postgres, redis);
             CachedProductRepository redisOnly = Catalog.repository(postgres, redis)) {
            assertThat(writer.findById(ID)).contains(Catalog.original(ID));
            assertThat(reader.findById(ID)).contains(Catalog.original(ID));

            assertThat(writer.updatePrice(ID, NEW_PRICE)).isTrue();

            assertThat(writer.findById(ID).map(Product::priceCents))
                    .as("the server that made the update should serve the new price at once").contains(NEW_PRICE);
            assertThat(redisOnly.findById(ID).map(Product::priceCents))
                    .as("the update should also invalidate Redis, the level the servers share").contains(NEW_PRICE);
            Waits.until("the other server to drop its local copy of product " + ID + " (localTtl is 60 s, so only"
                            + " an invalidation message on Redis pub/sub can do it this soon)", Duration.ofSeconds(3),
                    () -> reader.findById(ID), read -> read.map(Product::priceCents).equals(Optional.of(NEW_PRICE)));
        }
    }

    private static TwoLevelProductRepository twoLevel(PostgresNode postgres, RedisNode redis) {
        return new TwoLevelProductRepository(new ProductTable(postgres.dataSource()), Catalog.uri(redis),
                Catalog.SETTINGS.withLocalTtl(Duration.ofSeconds(60)));
    }
}
