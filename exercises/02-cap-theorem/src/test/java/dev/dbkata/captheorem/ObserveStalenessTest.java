package dev.dbkata.captheorem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.dbkata.testkit.Lsn;
import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task observe-staleness: after a write on the primary, tell whether a replica has it yet and by
 * how many WAL bytes it trails, from LSNs, without waiting.
 *
 * The partition is real: replica1's replication link is cut (the testkit's proxy refuses it), so
 * replica1 replays nothing more, while clients still reach it.
 *
 * Rejects:
 * - staleness decided by sleeping (wait a moment, then assume the replica has caught up);
 * - staleness decided by row counts (an UPDATE changes no count);
 * - LSNs compared as strings ("0/FFFFFF" sorts after "0/1000000") or parsed as one hex number;
 * - the position taken before the write, or after the write but before COMMIT (the commit record
 *   lies past it);
 * - the replica's received position (pg_last_wal_receive_lsn) instead of its replay position: WAL
 *   that arrived but is not applied yet is not visible to a reader;
 * - a probe that waits for the replica instead of reporting (it hangs under a partition).
 */
@Task(id = "observe-staleness", title = "Measure staleness from WAL positions", points = 2)
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
class ObserveStalenessTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    @BeforeEach
    void createSchema(PostgresCluster cluster) {
        cluster.primary().runScript("/concerts.sql");
        cluster.awaitReplicasCaughtUp();
    }

    @Test
    @DisplayName("WAL positions compare and subtract as 64-bit numbers, not as text")
    void walPositionsAreNumbers() {
        assertThat(WalPosition.parse("1/0").bytesAfter(WalPosition.parse("0/FFFFFFFF")))
                .as("1/0 is the byte right after 0/FFFFFFFF: the part before the slash is the high 32 bits")
                .isEqualTo(1L);
        assertThat(WalPosition.parse("0/1000000").bytesAfter(WalPosition.parse("0/FFFFFF")))
                .as("0/1000000 is one byte after 0/FFFFFF").isEqualTo(1L);
        assertThat(WalPosition.parse("0/1000000"))
                .as("0/1000000 is later than 0/FFFFFF, although it sorts first as text")
                .isGreaterThan(WalPosition.parse("0/FFFFFF"));
        assertThat(WalPosition.parse("2/A0").value()).as("2/A0 is 2 * 2^32 + 0xA0").isEqualTo((2L << 32) + 0xA0);

        List<WalPosition> positions = new ArrayList<>(List.of(WalPosition.parse("0/3000060"),
                WalPosition.parse("1/10"), WalPosition.parse("0/FFFFFF"), WalPosition.parse("0/10000000")));
        Collections.sort(positions);
        assertThat(positions).as("WAL positions sorted in WAL order").extracting(WalPosition::toString)
                .containsExactly("0/FFFFFF", "0/3000060", "0/10000000", "1/10");
        assertThatThrownBy(() -> WalPosition.parse("3000060"))
                .as("text without the slash is not a WAL position").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("under a cut replication link, a new write is reported stale, by exactly the WAL bytes the replica lacks")
    void cutOffReplicaIsStale(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode cutOff = cluster.replica(1);
        cluster.partition(cutOff);
        StalenessProbe probe = new StalenessProbe(primary.jdbcUrl(), cutOff.jdbcUrl());

        AtomicReference<Lsn> workEnd = new AtomicReference<>();
        WalPosition commit = probe.commitOnPrimary(c -> {
            int inserted = insertConcert(c, 10, "Late show");
            workEnd.set(insertPosition(c));
            return inserted;
        });
        Staleness staleness = TimeBoundProbe.check(probe, commit);

        Lsn primaryNow = primary.walPosition();
        Lsn replayed = cutOff.walPosition();
        assertThat(rowCount(cutOff, "SELECT count(*) FROM concerts WHERE id = 10"))
                .as("replica1 is cut off: it cannot have the new concert").isZero();
        assertThat(commit.value())
                .as("the commit position is where the primary's WAL ended after the commit (asked after COMMIT"
                        + " returned, not before the write): between replica1's replay position %s and the primary's"
                        + " position now %s", replayed, primaryNow)
                .isGreaterThan(replayed.value()).isLessThanOrEqualTo(primaryNow.value());
        assertThat(commit.value())
                .as("the write's own WAL records ended at %s, and COMMIT then wrote the commit record after them: the"
                        + " commit position must lie past it (a position asked before COMMIT misses the one record that"
                        + " makes the write visible to readers)", workEnd.get())
                .isGreaterThan(workEnd.get().value());
        assertThat(staleness.isStale())
                .as("replica1 has not replayed the write (its row is not there), so the probe must say stale: %s",
                        staleness)
                .isTrue();
        assertThat(staleness.replayed().value())
                .as("the replica's replay position as the replica reports it (pg_last_wal_replay_lsn())")
                .isEqualTo(replayed.value());
        assertThat(staleness.bytesBehind())
                .as("bytes behind = commit position - replay position")
                .isEqualTo(commit.value() - replayed.value());
    }

    @Test
    @DisplayName("a replica that has received the write but not replayed it is stale: readers see what is replayed")
    void receivedIsNotReplayed(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode paused = cluster.replica(2);
        // Its link is healthy, so the WAL arrives; its replay is paused, so nothing of it is applied.
        paused.pauseReplay();
        StalenessProbe probe = new StalenessProbe(primary.jdbcUrl(), paused.jdbcUrl());

        WalPosition commit = probe.commitOnPrimary(c -> insertConcert(c, 12, "Matinee encore"));
        Waits.until("replica2 to receive the write (replay paused, link healthy)", BOUND,
                () -> paused.receivedPosition().value() >= commit.value());
        Staleness staleness = TimeBoundProbe.check(probe, commit);

        assertThat(rowCount(paused, "SELECT count(*) FROM concerts WHERE id = 12"))
                .as("replica2 received the write but has not replayed it: its readers do not see the row").isZero();
        assertThat(staleness.isStale())
                .as("replica2 has received the write (pg_last_wal_receive_lsn %s) but not replayed it (pg_last_wal_replay_lsn"
                        + " %s): what a reader sees is the replay position, so the probe must say stale (%s)",
                        paused.receivedPosition(), paused.walPosition(), staleness)
                .isTrue();
        assertThat(staleness.replayed().value())
                .as("the replica's replay position, not what it has received").isEqualTo(paused.walPosition().value());
    }

    @Test
    @DisplayName("an UPDATE that changes no row count is stale just the same")
    void updateIsStaleToo(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode cutOff = cluster.replica(1);
        cluster.partition(cutOff);
        StalenessProbe probe = new StalenessProbe(primary.jdbcUrl(), cutOff.jdbcUrl());

        WalPosition commit = probe.commitOnPrimary(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE concerts SET seats_left = seats_left - 1 WHERE id = 1")) {
                return update.executeUpdate();
            }
        });
        Staleness staleness = TimeBoundProbe.check(probe, commit);

        assertThat(rowCount(cutOff, "SELECT seats_left::bigint FROM concerts WHERE id = 1"))
                .as("replica1 still shows 500 seats left").isEqualTo(500L);
        assertThat(staleness.isStale())
                .as("an UPDATE leaves every count as it was, yet replica1 lacks it: staleness is a WAL position,"
                        + " not a row count (%s)", staleness)
                .isTrue();
    }

    @Test
    @DisplayName("a position the primary reaches only after 256 MB of WAL (0/10000000) is far ahead of the replica")
    void positionsCompareAsNumbersAgainstTheServer(PostgresCluster cluster) throws Exception {
        PostgresNode replica = cluster.replica(2);
        StalenessProbe probe = new StalenessProbe(cluster.primary().jdbcUrl(), replica.jdbcUrl());
        Lsn replayed = replica.walPosition();
        WalPosition future = WalPosition.parse("0/10000000");

        Staleness staleness = TimeBoundProbe.check(probe, future);

        assertThat(staleness.isStale())
                .as("replica2 has replayed up to %s, far below 0/10000000; compared as text, \"0/10000000\" sorts"
                        + " before it and the probe wrongly says fresh (%s)", replayed, staleness)
                .isTrue();
        assertThat(staleness.bytesBehind()).as("bytes from replica2's replay position to 0/10000000")
                .isGreaterThanOrEqualTo(0x1000_0000L - replica.walPosition().value())
                .isLessThanOrEqualTo(0x1000_0000L - replayed.value());
    }

    @Test
    @DisplayName("a streaming replica becomes fresh on its own, and a cut-off one once the partition heals")
    void freshAfterHeal(PostgresCluster cluster) throws Exception {
        PostgresNode primary = cluster.primary();
        PostgresNode cutOff = cluster.replica(1);
        PostgresNode streaming = cluster.replica(2);
        cluster.partition(cutOff);
        StalenessProbe cutOffProbe = new StalenessProbe(primary.jdbcUrl(), cutOff.jdbcUrl());
        StalenessProbe streamingProbe = new StalenessProbe(primary.jdbcUrl(), streaming.jdbcUrl());

        WalPosition commit = cutOffProbe.commitOnPrimary(c -> insertConcert(c, 11, "Encore"));

        Waits.until("the probe to see that replica2 (streaming) has the write", BOUND,
                () -> !TimeBoundProbe.check(streamingProbe, commit).isStale());
        assertThat(rowCount(streaming, "SELECT count(*) FROM concerts WHERE id = 11"))
                .as("the probe said replica2 has the write: its row must be there").isEqualTo(1L);
        assertThat(TimeBoundProbe.check(cutOffProbe, commit).isStale())
                .as("replica1 is still cut off").isTrue();

        cluster.heal();
        Waits.until("the probe to see that replica1 has the write once its link is healed", BOUND,
                () -> !TimeBoundProbe.check(cutOffProbe, commit).isStale());
        Staleness fresh = TimeBoundProbe.check(cutOffProbe, commit);
        assertThat(fresh.bytesBehind()).as("a replica that has the write is 0 bytes behind it").isZero();
        assertThat(fresh.replayed().value()).as("replica1 replayed at least up to the commit")
                .isGreaterThanOrEqualTo(commit.value());
        assertThat(rowCount(cutOff, "SELECT count(*) FROM concerts WHERE id = 11"))
                .as("the probe says replica1 has the write: its row must be there").isEqualTo(1L);
    }

    static int insertConcert(java.sql.Connection connection, int id, String name) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO concerts VALUES (?, ?, 100)")) {
            insert.setInt(1, id);
            insert.setString(2, name);
            return insert.executeUpdate();
        }
    }

    /** Where the primary's WAL insertion has got, asked on the write's own connection, inside its transaction. */
    static Lsn insertPosition(java.sql.Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT pg_current_wal_insert_lsn()::text");
             java.sql.ResultSet row = select.executeQuery()) {
            row.next();
            return Lsn.parse(row.getString(1));
        }
    }

    static long rowCount(PostgresNode node, String sql) {
        return node.queryValue(sql, Long.class);
    }
}
