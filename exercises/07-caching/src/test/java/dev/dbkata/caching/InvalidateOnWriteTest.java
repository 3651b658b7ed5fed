package dev.dbkata.caching;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
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
 * Task invalidate-on-write: write the database, then delete the cached copy, and never let a
 * reader put an old row back.
 *
 * <p>Rejects:
 * <ul>
 *   <li>no invalidation: the next read still shows the old price;</li>
 *   <li>updating the cache instead of invalidating it: {@code product:<id>} holds a value right
 *       after the update;</li>
 *   <li>invalidating before the transaction commits (a reader in between caches the old row
 *       again, for a whole TTL), or writing the new value into the cache before the commit (readers
 *       see a price the database has not committed);</li>
 *   <li>the stale-set race: a reader that loaded the row before the update stores it after the
 *       invalidation, so the cache serves the old price;</li>
 *   <li>a lease checked with {@code GET} and the value then stored with a separate {@code SET}: an
 *       update that deletes the lease between the two is overwritten (the test holds the reader's
 *       write in flight, in a proxy, while the update lands);</li>
 *   <li>an update that waits for readers' loads to finish, or for their lock to expire.</li>
 * </ul>
 */
@Task(id = "invalidate-on-write", title = "Invalidate on write, without the stale-set race", points = 3)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@WithRedis(reset = Reset.BEFORE_EACH_TEST)
class InvalidateOnWriteTest {

    private static final long ID = 7;
    private static final int OLD_PRICE = Catalog.priceOf(ID);
    private static final int NEW_PRICE = 4242;
    private static final Duration BOUND = Duration.ofSeconds(3);

    @BeforeEach
    void createCatalog(PostgresNode postgres) {
        Catalog.create(postgres, 20);
    }

    @Test
    @DisplayName("after an update the cached copy is gone, and the next read, from any server, loads the new price once")
    void updateDeletesTheCachedCopy(PostgresNode postgres, RedisNode redis) {
        try (CachedProductRepository writer = Catalog.repository(postgres, redis);
             CachedProductRepository otherServer = Catalog.repository(postgres, redis);
             Jedis jedis = redis.client()) {
            writer.findById(ID);
            otherServer.findById(ID);

            assertThat(writer.updatePrice(ID, NEW_PRICE)).as("product %d exists, so updatePrice returns true", ID).isTrue();

            assertThat(jedis.get(CacheKeys.product(ID)))
                    .as("right after updatePrice, %s should not exist: delete the cached copy rather than write"
                            + " the new value into it (two writers racing to SET leave the loser's value behind)",
                            CacheKeys.product(ID))
                    .isNull();
            DatabaseLoads.reset(postgres);
            assertThat(otherServer.findById(ID).map(Product::priceCents))
                    .as("another application server should read the new price after the update")
                    .contains(NEW_PRICE);
            assertThat(writer.findById(ID).map(Product::priceCents)).contains(NEW_PRICE);
        }
        assertThat(DatabaseLoads.count(postgres))
                .as("after the invalidation, the first read loads the new row and the next one hits Redis")
                .isEqualTo(1);
    }

    @Test
    @DisplayName("the cached copy is removed after the commit: a read while the commit is pending neither sees the new price nor re-caches the old one")
    void invalidationFollowsTheCommit(PostgresNode postgres, RedisNode redis) throws Exception {
        CommitGate gate = CommitGate.install(postgres);
        try (CachedProductRepository repository = Catalog.repository(postgres, redis);
             Callers callers = new Callers()) {
            repository.findById(ID);

            Future<Boolean> update;
            try (CommitGate.HeldCommits held = gate.holdCommits()) {
                update = callers.start(() -> repository.updatePrice(ID, NEW_PRICE));
                held.awaitCommitWaiting(update);

                Optional<Product> duringCommit = repository.findById(ID);
                assertThat(duringCommit.map(Product::priceCents))
                        .as("while the update's COMMIT has not finished, PostgreSQL still says %d; a read that"
                                + " returns %d got it from a cache written before the commit", OLD_PRICE, NEW_PRICE)
                        .contains(OLD_PRICE);
            }
            Callers.result(update, BOUND, "updatePrice after its commit was let through");

            assertThat(repository.findById(ID).map(Product::priceCents))
                    .as("after the commit, reads must show %d, but the cache still serves %d: either a read"
                            + " cached it again between the invalidation and the commit (invalidate after the"
                            + " commit), or a copy kept outside Redis was never invalidated", NEW_PRICE, OLD_PRICE)
                    .contains(NEW_PRICE);
        }
    }

    @Test
    @DisplayName("a reader that loaded the old row before an update does not leave it in the cache (the stale-set race)")
    void staleSetIsRefused(PostgresNode postgres, RedisNode redis) {
        // A lock or lease that lives far longer than the test's bound: an update that waits for the
        // reader's lock to expire is as stuck as one that waits for the reader.
        CacheSettings settings = Catalog.SETTINGS.withLockTtl(Duration.ofSeconds(30));
        HeldLoad table = HeldLoad.untilReleased(postgres.dataSource());
        try (CachedProductRepository repository = Catalog.repository(table, redis, settings);
             Callers callers = new Callers()) {
            Future<Optional<Product>> reader = callers.start(() -> repository.findById(ID));
            table.awaitHeld(reader);

            // The reader holds the old row and has not stored it yet; now a writer commits and invalidates.
            Future<Boolean> writer = callers.start(() -> repository.updatePrice(ID, NEW_PRICE));
            Callers.result(writer, BOUND, "updatePrice while another thread was loading the product"
                    + " (an update must not wait for readers)");
            table.release();
            Callers.result(reader, BOUND, "the read that loaded the old row");

            try (Jedis jedis = redis.client()) {
                String cached = jedis.get(CacheKeys.product(ID));
                assertThat(cached == null || ProductCodec.decode(cached).priceCents() == NEW_PRICE)
                        .as("a reader loaded price %d before the update and stored it after the invalidation:"
                                + " Redis holds %s although PostgreSQL has %d. Store a loaded row only if no update"
                                + " happened since the load (a lease the update revokes, or a version counter in a key of its own that the update increments: a version stored in the value is deleted with it)",
                                OLD_PRICE, cached, NEW_PRICE)
                        .isTrue();
            }
            assertThat(repository.findById(ID).map(Product::priceCents))
                    .as("the next read after the race should show the committed price")
                    .contains(NEW_PRICE);
        }
    }

    @Test
    @DisplayName("a reader held between its last look at the lease and its write cannot store the old row (check and store are one step)")
    void leaseCheckAndStoreAreOneStep(PostgresNode postgres, RedisNode redis) throws Exception {
        CacheSettings settings = Catalog.SETTINGS.withLockTtl(Duration.ofSeconds(30));
        try (CommandGate gate = CommandGate.holdingFirstWriteOf(redis, CacheKeys.product(ID));
             CachedProductRepository reader = new CachedProductRepository(new ProductTable(postgres.dataSource()),
                     gate.uri(), settings);
             CachedProductRepository writer = Catalog.repository(new ProductTable(postgres.dataSource()), redis, settings);
             Callers callers = new Callers()) {
            // The reader loads the old row and has checked whatever it checks; its write of
            // product:7 is held on its way to Redis while the update commits and invalidates.
            Future<Optional<Product>> read = callers.start(() -> reader.findById(ID));
            boolean held = gate.awaitHeld(read);
            assertThat(writer.updatePrice(ID, NEW_PRICE)).as("product %d exists, so updatePrice returns true", ID).isTrue();
            gate.release();
            gate.awaitAnswered();
            Callers.result(read, BOUND, "the read whose write to Redis was held during the update");

            try (Jedis jedis = redis.client()) {
                String cached = jedis.get(CacheKeys.product(ID));
                assertThat(cached == null || ProductCodec.decode(cached).priceCents() == NEW_PRICE)
                        .as("a reader loaded price %d, checked its lease, and sent \"%s\"; the update committed"
                                + " %d and deleted the value and the lease before that command arrived, and Redis"
                                + " now holds %s. A check and a write sent as two commands leave a gap an update can"
                                + " fall into: make them one step that Redis runs atomically (a Lua script that"
                                + " stores only while the lease is still yours)",
                                OLD_PRICE, held ? gate.heldCommand() : "(nothing)", NEW_PRICE, cached)
                        .isTrue();
            }
            assertThat(writer.findById(ID).map(Product::priceCents))
                    .as("the next read after the update should show the committed price")
                    .contains(NEW_PRICE);
        }
    }

    /**
     * Makes COMMITs of updates on {@code product} wait while the test holds an advisory lock: a
     * deferred constraint trigger takes the same lock (shared) at commit time. The test then acts
     * in the gap between an update's statement and its commit.
     */
    private static final class CommitGate {

        private static final long LOCK = 70_007;
        private final PostgresNode postgres;

        private CommitGate(PostgresNode postgres) {
            this.postgres = postgres;
        }

        static CommitGate install(PostgresNode postgres) {
            postgres.execute("CREATE FUNCTION wait_for_commit_gate() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN PERFORM pg_advisory_xact_lock_shared(" + LOCK + "); RETURN NULL; END $$;"
                    + " CREATE CONSTRAINT TRIGGER commit_gate AFTER UPDATE ON product"
                    + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wait_for_commit_gate()");
            return new CommitGate(postgres);
        }

        /** Takes the advisory lock: from now until {@link HeldCommits#close()}, commits of updates wait. */
        HeldCommits holdCommits() throws Exception {
            Connection holder = postgres.connect();
            try (Statement s = holder.createStatement()) {
                s.execute("/* dbkata */ SELECT pg_advisory_lock(" + LOCK + ")");
            }
            return new HeldCommits(holder);
        }

        /** Commits of product updates wait while this is open; closing it lets them finish. */
        final class HeldCommits implements AutoCloseable {

            private final Connection holder;

            private HeldCommits(Connection holder) {
                this.holder = holder;
            }

            void awaitCommitWaiting(Future<?> update) {
                Waits.until("the update's COMMIT to wait for the test's advisory lock", Duration.ofSeconds(5),
                        () -> update.isDone() || postgres.queryValue("/* dbkata */ SELECT count(*) FROM pg_stat_activity"
                                + " WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'", Long.class) == 1);
                if (update.isDone()) {
                    Callers.result(update, BOUND, "updatePrice");
                    throw new AssertionError("updatePrice returned while its COMMIT should still be waiting:"
                            + " write the price through ProductTable.updatePrice");
                }
            }

            @Override
            public void close() throws SQLException {
                holder.close();
            }
        }
    }
}
