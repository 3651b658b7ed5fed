package dev.dbkata.captheorem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.dbkata.testkit.Lsn;
import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.ServingNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/*
 * Task consistency-choice: a reader bound to the replica of its zone; each call chooses
 * CONSISTENT (answer only when the replica provably has everything committed so far, else refuse)
 * or AVAILABLE (always answer from the replica, promptly, saying how stale it may be).
 *
 * The partition is on the replication link (cut, or black-holed: connections stay open and
 * nothing moves), never on the reader's own link to its replica. Every test writes after the
 * partition began, so the replica provably lacks something.
 *
 * Rejects:
 * - a consistent read that answers from a cut-off or black-holed replica: trusting
 *   pg_stat_wal_receiver's "streaming", or comparing replay with the replica's own received position;
 * - a consistent read that quietly reads the primary instead of refusing;
 * - a consistent read that refuses on a healthy replica that trails by a moment (no wait at all), or
 *   that sleeps its whole consistentWait instead of answering once the replica has caught up;
 * - a consistent read that runs the work first and checks the replica's position afterwards (the
 *   answer was read before the proof);
 * - a consistent read that waits without bound instead of refusing;
 * - a consistent read that proves freshness against a primary position asked earlier (at the
 *   reader's first call), not at read time;
 * - an available read that hangs while the replica's replication link is black-holed (it waits to catch up);
 * - an available read that hangs when the primary is unreachable (no timeout on the question to the primary).
 */
@Task(id = "consistency-choice", title = "Choose consistency or availability per read", points = 3)
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
@ExtendWith(TestThreads.Extension.class)
class ConsistencyChoiceTest {

    /** The reader's own bound on a consistent read's wait. */
    private static final ReaderSettings SETTINGS = ReaderSettings.defaults().withConsistentWait(Duration.ofSeconds(1));
    /** What the test allows any read before calling it a hang: the settings' bounds plus slack for a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(6);
    /** A consistent read's wait far longer than BOUND: a healthy replica must be answered from long before it ends. */
    private static final ReaderSettings PATIENT = ReaderSettings.defaults().withConsistentWait(Duration.ofSeconds(30));

    @BeforeEach
    void createSchema(PostgresCluster cluster) {
        cluster.primary().runScript("/concerts.sql");
        cluster.awaitReplicasCaughtUp();
    }

    @Test
    @DisplayName("CONSISTENT on a healthy replica that trails by a moment waits for it, then answers from it")
    void consistentAnswersFromHealthyReplica(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode replica = cluster.replica(1);
        // Healthy but a little behind: every WAL chunk takes 400 ms more to reach it.
        replica.replicationLink().delay(Duration.ofMillis(400));
        // A wait far longer than the test's bound: the read must answer once the replica has caught up.
        ZoneReader reader = new ZoneReader(cluster.primary().jdbcUrl(), replica.jdbcUrl(), PATIENT);

        cluster.primary().execute("UPDATE concerts SET seats_left = 499 WHERE id = 1");
        Answer<Reading> answer = read(threads, reader, Consistency.CONSISTENT);

        assertThat(answer).as("a consistent read on a healthy replica must answer, not refuse").isNotNull();
        assertThat(answer.value().servedBy().port())
                .as("the answer must come from the zone's replica (%s), not from the primary", replica)
                .isEqualTo(replica.port());
        assertThat(answer.value().seatsLeft())
                .as("a consistent answer includes the update committed before the read began").isEqualTo(499);
        assertThat(answer.bytesBehindAtMost()).as("a consistent answer is 0 bytes behind").hasValue(0);
    }

    @Test
    @DisplayName("CONSISTENT reads only after the proof: a replica whose replay is paused is waited for, and the answer has the update")
    void consistentReadsAfterTheProof(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode replica = cluster.replica(1);
        replica.pauseReplay();
        cluster.primary().execute("UPDATE concerts SET seats_left = 494 WHERE id = 1");
        ZoneReader reader = new ZoneReader(cluster.primary().jdbcUrl(), replica.jdbcUrl(), PATIENT);

        CompletableFuture<Answer<Reading>> answer = startRead(threads, reader, Consistency.CONSISTENT);
        // Replay resumes only once the reader has asked replica1 how far it has replayed.
        Waits.until("the reader to ask replica1 for its replay position (pg_last_wal_replay_lsn())", BOUND,
                () -> answer.isDone() || replica.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                        + " AND backend_type = 'client backend' AND query ILIKE '%pg_last_wal_replay_lsn%'"
                        + " AND query NOT LIKE '/* dbkata */%'", Long.class) > 0);
        replica.resumeReplay();

        Answer<Reading> read = awaitAnswer(answer, Consistency.CONSISTENT);
        assertThat(read.value().servedBy().port()).as("the answer comes from the zone's replica").isEqualTo(replica.port());
        assertThat(read.value().seatsLeft())
                .as("replica1 had not replayed the update when the reader checked; it answered only after replay resumed,"
                        + " so its answer must include the update: the work runs after the proof, never before it")
                .isEqualTo(494);
    }

    @Test
    @DisplayName("CONSISTENT refuses, within its bound, on a replica whose replication link is cut")
    void consistentRefusesOnCutReplica(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode replica = cluster.replica(1);
        ZoneReader reader = new ZoneReader(cluster.primary().jdbcUrl(), replica.jdbcUrl(), SETTINGS);
        // The same reader first answers while all is well: replica1 has replayed everything.
        assertThat(read(threads, reader, Consistency.CONSISTENT).value().seatsLeft())
                .as("replica1 is up to date before the partition: a consistent read answers").isEqualTo(500);

        cluster.partition(replica);
        cluster.primary().execute("UPDATE concerts SET seats_left = 498 WHERE id = 1");

        expectRefusal(threads, reader, "replica1's replication link is cut and the primary committed an update since"
                + " (the primary's position must be asked at each read: the one from an earlier read proves nothing now)");
    }

    @Test
    @DisplayName("under a black-holed replication link, CONSISTENT refuses and AVAILABLE answers stale, promptly")
    void blackholedLink(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode replica = cluster.replica(1);
        replica.replicationLink().blackhole();
        Lsn before = primary.walPosition();
        primary.execute("UPDATE concerts SET seats_left = 497 WHERE id = 1");
        Lsn after = primary.walPosition();
        ZoneReader reader = new ZoneReader(primary.jdbcUrl(), replica.jdbcUrl(), SETTINGS);

        expectRefusal(threads, reader, "replica1's replication link is black-holed (its WAL receiver still says"
                + " \"streaming\" in pg_stat_wal_receiver) and the primary committed an update since");

        Answer<Reading> stale = read(threads, reader, Consistency.AVAILABLE);
        assertThat(stale.value().servedBy().port()).as("an available read answers from the zone's replica")
                .isEqualTo(replica.port());
        assertThat(stale.value().seatsLeft())
                .as("replica1 has not received the update: an available read shows the old figure").isEqualTo(500);
        assertThat(stale.bytesBehindAtMost())
                .as("an available answer says how far behind it may be: at least the %d bytes of the update it lacks",
                        after.bytesAfter(before))
                .isPresent();
        assertThat(stale.bytesBehindAtMost().getAsLong()).isGreaterThanOrEqualTo(after.bytesAfter(before))
                .isLessThanOrEqualTo(primary.walPosition().bytesAfter(replica.walPosition()));
    }

    @Test
    @DisplayName("cut off from the primary altogether, AVAILABLE still answers from the replica and CONSISTENT refuses, both within their bounds")
    void zoneCutOffFromThePrimary(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode replica = cluster.replica(1);
        replica.replicationLink().blackhole();
        primary.execute("UPDATE concerts SET seats_left = 496 WHERE id = 1");
        // The zone loses the primary too: connections to it open and then nothing ever answers.
        primary.link().blackhole();
        ZoneReader reader = new ZoneReader(primary.jdbcUrl(), replica.jdbcUrl(), SETTINGS);

        Answer<Reading> stale = read(threads, reader, Consistency.AVAILABLE);
        assertThat(stale.value().servedBy().port()).as("an available read answers from the zone's replica")
                .isEqualTo(replica.port());
        assertThat(stale.value().seatsLeft()).as("the replica's (stale) figure").isEqualTo(500);
        assertThat(stale.bytesBehindAtMost())
                .as("with the primary unreachable, how far behind the replica is cannot be known: empty, not a guess")
                .isEmpty();

        expectRefusal(threads, reader, "the primary cannot be reached, so nothing proves the replica is up to date");
    }

    @Test
    @DisplayName("once the partition heals, CONSISTENT answers again, with the write made during the partition")
    void consistentAnswersAfterHeal(PostgresCluster cluster, TestThreads threads) throws Exception {
        PostgresNode replica = cluster.replica(1);
        cluster.partition(replica);
        cluster.primary().execute("UPDATE concerts SET seats_left = 495 WHERE id = 1");
        ZoneReader reader = new ZoneReader(cluster.primary().jdbcUrl(), replica.jdbcUrl(), SETTINGS);
        expectRefusal(threads, reader, "replica1's replication link is cut");

        cluster.heal();
        Answer<Reading> answer = read(threads, reader, Consistency.CONSISTENT);
        assertThat(answer.value().servedBy().port()).isEqualTo(replica.port());
        assertThat(answer.value().seatsLeft()).as("the update made during the partition").isEqualTo(495);
    }

    /** What a read saw, and which server it ran on (as the server itself reports). */
    record Reading(ServingNode servedBy, int seatsLeft) {
    }

    private static Answer<Reading> read(TestThreads threads, ZoneReader reader, Consistency consistency) throws Exception {
        return awaitAnswer(startRead(threads, reader, consistency), consistency);
    }

    private static CompletableFuture<Answer<Reading>> startRead(TestThreads threads, ZoneReader reader, Consistency consistency) {
        return threads.supply(() -> {
            try {
                return reader.read(consistency, connection -> {
                    try (PreparedStatement select = connection.prepareStatement("SELECT seats_left FROM concerts WHERE id = 1");
                         ResultSet row = select.executeQuery()) {
                        row.next();
                        return new Reading(ServingNode.of(connection), row.getInt(1));
                    }
                });
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Answer<Reading> awaitAnswer(CompletableFuture<Answer<Reading>> answer, Consistency consistency) throws Exception {
        try {
            return answer.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return fail("a " + consistency + " read gave no answer within " + BOUND.toSeconds() + " s: "
                    + (consistency == Consistency.AVAILABLE
                    ? "an available read must answer promptly from the replica, whatever the replication link or the"
                            + " primary does (bound every wait, never wait for the replica to catch up)"
                    : "a consistent read must refuse once its consistentWait (or the primaryTimeout) has passed, and"
                            + " on a healthy replica answer as soon as the replica has replayed up to the primary's"
                            + " position, not after sleeping its whole consistentWait"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnavailableException refused) {
                return fail("a " + consistency + " read refused (" + refused.getMessage() + ")"
                        + (consistency == Consistency.AVAILABLE ? ": an available read always answers"
                        : ": the replica is healthy, so it must wait the moment it needs and answer"));
            }
            return fail("a " + consistency + " read threw " + e.getCause() + (consistency == Consistency.AVAILABLE
                    ? ": an available read answers from the replica even when the primary cannot be asked (then"
                            + " bytesBehindAtMost is empty)"
                    : ": a consistent read on a healthy replica answers"), e.getCause());
        }
    }

    private static void expectRefusal(TestThreads threads, ZoneReader reader, String why) throws Exception {
        CompletableFuture<Object> outcome = threads.supply(() -> {
            try {
                return reader.read(Consistency.CONSISTENT, ServingNode::of);
            } catch (UnavailableException refused) {
                return refused;
            } catch (java.sql.SQLException e) {
                return e;
            }
        });
        Object result;
        try {
            result = outcome.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outcome.cancel(true);
            fail("a consistent read was still waiting after " + BOUND.toSeconds() + " s (" + why + "): it must refuse"
                    + " with UnavailableException once consistentWait (" + SETTINGS.consistentWait().toMillis()
                    + " ms) has passed, not wait for the partition to end");
            return;
        }
        if (result instanceof Answer<?> answer) {
            ServingNode node = (ServingNode) answer.value();
            fail("a consistent read answered from " + node + " although " + why + ": "
                    + (node.isPrimary()
                    ? "it must refuse, not quietly read the primary (the zone's app would pile onto it)"
                    : "the replica lacks that commit, so the answer is stale; check the replica's replay position"
                            + " against the primary's position at read time"));
        }
        assertThat(result)
                .as("a consistent read that cannot prove freshness refuses with UnavailableException (%s)", why)
                .isInstanceOf(UnavailableException.class);
        assertThat(((UnavailableException) result).getMessage()).as("the refusal says why").isNotBlank();
    }
}
