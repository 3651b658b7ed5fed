package dev.dbkata.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.Lsn;
import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.ServingNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task read-your-writes: a write returns a token (the primary's WAL position after its commit);
 * a read with that token runs where the write is already visible.
 *
 * Rejects:
 * - read-your-writes done by always reading from the primary;
 * - a token that ignores the WAL position (taken before the write, or not at all);
 * - a replica chosen by what it received (pg_last_wal_receive_lsn()) rather than what it replayed:
 *   a paused replica has received the write and still does not show it;
 * - a read that gives up on the replicas at once instead of waiting a little for one to catch up;
 * - a read that waits for a replica forever instead of going to the primary in bounded time.
 */
@Task(id = "read-your-writes", title = "Read your own writes", points = 3)
@WithPostgresCluster(replicas = 2, reset = Reset.BEFORE_EACH_TEST)
class ReadYourWritesTest {

    private static final RouterSettings SETTINGS = RouterSettings.defaults().withReadYourWritesWait(Duration.ofSeconds(3));

    /** What a read saw of one product, and where it ran. */
    record Sighting(ServingNode servedBy, boolean found) {
    }

    @BeforeEach
    void createCatalogue(PostgresCluster cluster) {
        Catalogue.create(cluster);
    }

    @Test
    @DisplayName("the token is the primary's WAL position once the write has committed")
    void tokenIsTheCommitPosition(PostgresCluster cluster) throws SQLException {
        ReplicaRouter router = new ClusterUnderTest(cluster).router(SETTINGS);
        Lsn before = cluster.primary().walPosition();

        CommitToken token = router.writeAndGetToken(c -> insert(c, 1));

        Lsn after = cluster.primary().walPosition();
        assertThat(token.position().bytes())
                .as("the token %s must lie after the WAL the write produced: past %s (before the write) and at most"
                        + " %s (just after)", token.position(), before, after)
                .isGreaterThan(before.value())
                .isLessThanOrEqualTo(after.value());
        assertThat(Catalogue.count(cluster.primary()))
                .as("the write is committed when the token is handed out").isEqualTo(1);
    }

    @Test
    @DisplayName("when no replica has replayed the write, the read goes to the primary within the wait")
    void readGoesToThePrimaryWhenNoReplicaHasTheWrite(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS.withReadYourWritesWait(Duration.ofMillis(500)));
        cluster.replicas().forEach(PostgresNode::pauseReplay);

        CommitToken token = router.writeAndGetToken(c -> insert(c, 1));
        Instant start = Instant.now();
        Sighting sighting = router.readAfter(token, c -> look(c, 1));
        Duration took = Duration.between(start, Instant.now());

        assertThat(sighting.found()).as("a read with the token must see the write; it ran on %s",
                nodes.nameOf(sighting.servedBy())).isTrue();
        assertThat(sighting.servedBy().port())
                .as("both replicas have paused replay, so only the primary has the write").isEqualTo(cluster.primary().port());
        assertThat(took).as("the read may wait 500 ms for a replica, then must go to the primary, not wait forever")
                .isLessThan(Duration.ofSeconds(3));
    }

    @Test
    @DisplayName("with one replica behind, reads with a token go to the replica that has the write")
    void readGoesToTheReplicaThatReplayedTheWrite(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS);
        PostgresNode behind = cluster.replica(1);
        behind.pauseReplay();

        List<Sighting> sightings = new ArrayList<>();
        for (int id = 1; id <= 6; id++) {
            int product = id;
            CommitToken token = router.writeAndGetToken(c -> insert(c, product));
            sightings.add(router.readAfter(token, c -> look(c, product)));
        }

        List<ServingNode> served = sightings.stream().map(Sighting::servedBy).toList();
        assertThat(sightings).as("every read must see its own write; they ran on: %s (replica1 has received the"
                + " writes but replays nothing)", nodes.describe(served)).allMatch(Sighting::found);
        assertThat(served).as("replica2 replays as it receives, so reads should wait for it rather than use the"
                + " primary or replica1; they ran on: %s", nodes.describe(served))
                .allMatch(s -> s.port() == cluster.replica(2).port());
    }

    @Test
    @DisplayName("in steady state a session always sees its own write, and most reads still reach replicas")
    void steadyStateKeepsReadsOnReplicas(PostgresCluster cluster) throws SQLException {
        ClusterUnderTest nodes = new ClusterUnderTest(cluster);
        ReplicaRouter router = nodes.router(SETTINGS);

        List<Sighting> sightings = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            int product = id;
            CommitToken token = router.writeAndGetToken(c -> insert(c, product));
            sightings.add(router.readAfter(token, c -> look(c, product)));
        }

        List<ServingNode> served = sightings.stream().map(Sighting::servedBy).toList();
        assertThat(sightings).as("right after its write, a session must see it; reads ran on: %s",
                nodes.describe(served)).allMatch(Sighting::found);
        assertThat(served.stream().filter(ServingNode::isReplica).count())
                .as("read-your-writes must not turn every read into a primary read: at least 12 of 20 should reach"
                        + " a replica, but they ran on: %s", nodes.describe(served))
                .isGreaterThanOrEqualTo(12);
    }

    private static Void insert(Connection c, int id) throws SQLException {
        Catalogue.insert(c, id, "product " + id);
        return null;
    }

    private static Sighting look(Connection c, int id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM product WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Sighting(ServingNode.of(c), rs.getLong(1) == 1);
            }
        }
    }
}
