package dev.dbkata.captheorem;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.SyncMethod;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task pacelc-latency: the "else" of PACELC. No partition, but every replication link delays each
 * chunk 20 ms each way; the probe measures the median commit latency of each synchronous_commit
 * mode. The test judges the report only by differences within that one run: the local modes do
 * not pay the round trip, every remote mode pays at least 30 ms of it (40 ms expected). No order
 * is required among the remote modes: with the testkit's fsync=off they cost the same.
 *
 * Rejects:
 * - a probe that never sets synchronous_commit (every mode costs the same);
 * - one that times a read, or a transaction that writes nothing (no commit record: nothing waits);
 * - one that times the INSERT but not the COMMIT;
 * - one that sets the mode where it does not apply (SET LOCAL before the transaction begins);
 * - one that measures every round of one mode, then the next mode (a busy moment of the machine
 *   then lands on one mode only): the rows of pacelc_samples, in commit order, show the turns.
 */
@Task(id = "pacelc-latency", title = "Measure what consistency costs when nothing is broken", points = 2)
@WithPostgresCluster(replicas = 2, synchronousStandbys = 1, syncMethod = SyncMethod.ANY, reset = Reset.BEFORE_EACH_TEST)
class PacelcLatencyTest {

    private static final int ROUNDS = 7;
    private static final Duration ONE_WAY = Duration.ofMillis(20);
    /** A round trip is 40 ms; demand 30 so that scheduling noise cannot fail a correct probe. */
    private static final double ROUND_TRIP_MS = 30.0;

    @BeforeEach
    void createSchema(PostgresCluster cluster) {
        cluster.primary().runScript("/concerts.sql");
        cluster.awaitReplicasCaughtUp();
    }

    @Test
    @DisplayName("with 20 ms each way to the standbys, each remote mode costs a round trip more than local; off and local do not")
    void remoteModesPayARoundTrip(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        for (PostgresNode replica : cluster.replicas()) {
            replica.replicationLink().delay(ONE_WAY);
        }

        LatencyReport report = new PacelcProbe(primary.jdbcUrl()).measure(ROUNDS);
        System.out.println("pacelc-latency, 20 ms each way: " + report);

        assertThat(report.medians().keySet()).as("the report has a median for every mode: %s", report)
                .containsExactlyInAnyOrder(SyncMode.values());
        double local = Math.max(ms(report, SyncMode.OFF), ms(report, SyncMode.LOCAL));
        for (SyncMode mode : SyncMode.values()) {
            if (mode.isRemote()) {
                assertThat(ms(report, mode) - local)
                        .as("synchronous_commit = %s waits for a standby's answer: a round trip of 2 x %d ms more than"
                                + " the local modes (%s). A commit only waits when its transaction wrote something"
                                + " and the mode is set for it; the timer must include the COMMIT",
                                mode.setting(), ONE_WAY.toMillis(), report)
                        .isGreaterThanOrEqualTo(ROUND_TRIP_MS);
            }
        }
        for (SyncMode mode : SyncMode.values()) {
            long rows = primary.queryValue("SELECT count(*) FROM pacelc_samples WHERE mode = ?", Long.class, mode.setting());
            assertThat(rows).as("every timed commit inserts one row (%s) into pacelc_samples: %d rounds, plus"
                    + " any warm-up, so at least %d rows", mode.setting(), ROUNDS, ROUNDS).isGreaterThanOrEqualTo(ROUNDS);
        }
        assertModesTakeTurns(primary);
    }

    /** Between a mode's first and last commit, every other mode commits at least ROUNDS - 1 times. */
    private static void assertModesTakeTurns(PostgresNode primary) throws java.sql.SQLException {
        java.util.List<String> order = new java.util.ArrayList<>();
        try (java.sql.Connection connection = primary.connect();
             java.sql.Statement select = connection.createStatement();
             java.sql.ResultSet rows = select.executeQuery("SELECT mode FROM pacelc_samples ORDER BY id")) {
            while (rows.next()) {
                order.add(rows.getString(1));
            }
        }
        for (SyncMode mode : SyncMode.values()) {
            int first = order.indexOf(mode.setting());
            int last = order.lastIndexOf(mode.setting());
            for (SyncMode other : SyncMode.values()) {
                if (other != mode) {
                    long between = order.subList(first + 1, Math.max(first + 1, last)).stream()
                            .filter(other.setting()::equals).count();
                    assertThat(between)
                            .as("the modes must take turns, round after round, so that a busy moment of the machine"
                                    + " hits them all alike; between the first and the last %s commit, %s committed only"
                                    + " %d times (pacelc_samples in commit order: %s)",
                                    mode.setting(), other.setting(), between, order)
                            .isGreaterThanOrEqualTo(ROUNDS - 1);
                }
            }
        }
    }

    private static double ms(LatencyReport report, SyncMode mode) {
        return report.median(mode).toNanos() / 1e6;
    }
}
