package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import redis.clients.jedis.Jedis;

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
 *   <li>an updating server that keeps serving its own old copy;</li>
 *   <li>a local cache without expiry: a change no message announces is never seen;</li>
 *   <li>a server that keeps its local copies after its subscription broke: the messages sent while
 *       it was not listening are lost, so when it subscribes again it must drop (or revalidate)
 *       them (the test cuts one server's connections to Redis while another server updates);</li>
 *   <li>a subscriber that never notices a silent connection (a half-open link: no reset, no data;
 *       Jedis reads a subscribed connection without a timeout): it keeps serving a copy whose
 *       invalidation never arrives. PING it every heartbeat and give up on it after twice that
 *       without an answer (the test blackholes one server's link to Redis);</li>
 *   <li>a server that drops its copies when it notices the break but caches again while it is
 *       not listening: the next update it misses leaves it serving that copy;</li>
 *   <li>a constructor that returns before its subscription is confirmed (caught when Redis has not
 *       yet counted the subscription as the constructor returns, which is likely, not certain).</li>
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

    @Test
    @DisplayName("each server is subscribed to invalidations by the time its constructor returns")
    void constructorReturnsSubscribed(PostgresNode postgres, RedisNode redis) {
        List<TwoLevelProductRepository> servers = new ArrayList<>();
        try (Jedis jedis = redis.client()) {
            for (int server = 1; server <= 2; server++) {
                long before = subscriptions(jedis);
                servers.add(twoLevel(postgres, redis));
                long after = subscriptions(jedis);
                assertThat(after)
                        .as("server %d: the constructor returned before Redis counted its subscription (%d before,"
                                + " %d after): wait for the confirmation (JedisPubSub.onSubscribe), or an update made"
                                + " right after may be announced before anyone listens", server, before, after)
                        .isGreaterThan(before);
            }
        } finally {
            servers.forEach(TwoLevelProductRepository::close);
        }
    }

    @Test
    @DisplayName("a local copy expires after localTtl, even when no invalidation message comes")
    void localCopiesExpire(PostgresNode postgres, RedisNode redis) {
        try (TwoLevelProductRepository server = twoLevel(postgres, redis, Duration.ofMillis(300));
             Jedis jedis = redis.client()) {
            assertThat(server.findById(ID)).contains(Catalog.original(ID));

            // A change no message announces (a migration, a lost message): only the local TTL ends the old copy.
            postgres.execute("UPDATE product SET price_cents = " + NEW_PRICE + ", version = version + 1 WHERE id = " + ID);
            jedis.del(CacheKeys.product(ID));

            Waits.until("the local copy of product " + ID + " to expire after localTtl (300 ms here): build the"
                            + " Caffeine cache with expireAfterWrite(localTtl)", Duration.ofSeconds(3),
                    () -> server.findById(ID), read -> read.map(Product::priceCents).equals(Optional.of(NEW_PRICE)));
        }
    }

    @Test
    @DisplayName("a server whose subscription broke drops its local copies when it subscribes again: the messages it missed are lost")
    void resubscriptionDropsLocalCopies(PostgresNode postgres, RedisNode redis) {
        // The reader reaches Redis through the node's link, which the test cuts; the writer goes
        // around it, straight to the server, so its update and its message land while the reader
        // is not listening.
        try (TwoLevelProductRepository reader = twoLevel(postgres, redis);
             TwoLevelProductRepository writer = new TwoLevelProductRepository(new ProductTable(postgres.dataSource()),
                     java.net.URI.create(redis.directUri()), Catalog.SETTINGS.withLocalTtl(Duration.ofSeconds(60)));
             Jedis jedis = new Jedis(java.net.URI.create(redis.directUri()))) {
            assertThat(reader.findById(ID)).contains(Catalog.original(ID));
            long listening = subscriptions(jedis);

            redis.link().cut();
            try {
                Waits.until("Redis to notice that the reader's subscription connection is gone", Duration.ofSeconds(5),
                        () -> subscriptions(jedis) < listening);
                assertThat(writer.updatePrice(ID, NEW_PRICE)).isTrue();
            } finally {
                redis.link().heal();
            }
            Waits.until("the reader to subscribe again once Redis is reachable (keep retrying after the"
                    + " subscription breaks)", Duration.ofSeconds(5), () -> subscriptions(jedis) == listening);

            Waits.until("the reader to stop serving its old copy of product " + ID + " after it subscribed again."
                            + " Its subscription broke while another server changed the price, and pub/sub does not"
                            + " keep messages for a subscriber that is away: that invalidation is lost. When the"
                            + " subscription comes back, drop (or revalidate) every local copy, since any of them may"
                            + " have missed its message (localTtl is 60 s here)", Duration.ofSeconds(5),
                    () -> reader.findById(ID), read -> read.map(Product::priceCents).equals(Optional.of(NEW_PRICE)));
        }
    }

    @Test
    @DisplayName("a server whose subscription went silent (a half-open connection) notices it within seconds, and serves no local copy while it is not listening")
    void silentSubscriptionIsNoticed(PostgresNode postgres, RedisNode redis) {
        int newerPrice = NEW_PRICE + 1;
        CacheSettings settings = Catalog.SETTINGS.withLocalTtl(Duration.ofSeconds(60)).withHeartbeat(Duration.ofMillis(250));
        // The reader reaches Redis through the node's link; the writer goes around it.
        try (TwoLevelProductRepository reader = new TwoLevelProductRepository(new ProductTable(postgres.dataSource()),
                Catalog.uri(redis), settings);
             TwoLevelProductRepository writer = new TwoLevelProductRepository(new ProductTable(postgres.dataSource()),
                     java.net.URI.create(redis.directUri()), settings)) {
            assertThat(reader.findById(ID)).contains(Catalog.original(ID));

            // Nothing moves on the link any more, and nothing tells either end: no reset, no close.
            // Redis still counts the reader as subscribed and sends the writer's message into the void.
            redis.link().blackhole();
            try {
                assertThat(writer.updatePrice(ID, NEW_PRICE)).isTrue();
                Waits.until("the reader to stop serving its old copy of product " + ID + ". Its connection to Redis"
                                + " went silent (no reset, no data), so the invalidation never reached it, and a"
                                + " subscribed connection has no read timeout: PING it every heartbeat (250 ms here,"
                                + " JedisPubSub.ping) and, when nothing comes back for twice that, close it, drop the"
                                + " local copies and subscribe again (localTtl is 60 s here)", Duration.ofSeconds(5),
                        () -> reader.findById(ID), read -> read.map(Product::priceCents).equals(Optional.of(NEW_PRICE)));

                // Still cut off: whatever it would keep now could miss its message too.
                assertThat(writer.updatePrice(ID, newerPrice)).isTrue();
                Waits.until("the reader, still cut off from its invalidations, to show the price changed meanwhile:"
                                + " while it is not subscribed, it must not keep local copies (read through to the"
                                + " shared level)", Duration.ofSeconds(3),
                        () -> reader.findById(ID), read -> read.map(Product::priceCents).equals(Optional.of(newerPrice)));
            } finally {
                redis.link().heal();
            }
        }
    }

    private static TwoLevelProductRepository twoLevel(PostgresNode postgres, RedisNode redis) {
        return twoLevel(postgres, redis, Duration.ofSeconds(60));
    }

    private static TwoLevelProductRepository twoLevel(PostgresNode postgres, RedisNode redis, Duration localTtl) {
        return new TwoLevelProductRepository(new ProductTable(postgres.dataSource()), Catalog.uri(redis),
                Catalog.SETTINGS.withLocalTtl(localTtl));
    }

    /** Subscriptions Redis counts, to channels and to patterns: whatever names the application chose. */
    private static long subscriptions(Jedis jedis) {
        long total = jedis.pubsubNumPat();
        for (long count : jedis.pubsubNumSub(jedis.pubsubChannels().toArray(String[]::new)).values()) {
            total += count;
        }
        return total;
    }
}
