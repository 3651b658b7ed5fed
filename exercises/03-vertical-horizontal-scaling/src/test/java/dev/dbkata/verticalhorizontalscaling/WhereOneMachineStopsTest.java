package dev.dbkata.verticalhorizontalscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import dev.dbkata.testkit.Level;
import dev.dbkata.testkit.PostgresCluster;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgresCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task where-one-machine-stops: a capacity planner measures a workload on a primary with a
 * replica (write share from pg_stat_statements, working set against shared_buffers, replica lag
 * while it runs, time per query and its block I/O time with track_io_timing) and recommends scale
 * up, add read replicas, or shard, with the numbers that decided. Three real workloads, one for
 * each answer.
 *
 * Rejects:
 * - "add read replicas" for a write-bound workload: every replica replays every write;
 * - a recommendation without evidence, or with evidence that is not what the server saw
 *   (write share, working set, shared_buffers, I/O time);
 * - a write share that counts the planner's own queries (its lag samples) as the workload's reads;
 * - "add read replicas" when the working set does not fit in memory (each replica misses the same);
 * - replica lag that was not sampled from the server: with the replica's replay paused during the
 *   write-bound run, the lag seen (at the latest once the workload has finished) must cover the WAL
 *   its updates wrote, as pg_stat_statements counts it;
 * - block I/O time that is not the I/O part of the time: lookups served from shared_buffers spend
 *   almost none of their time reading blocks;
 * - one answer for everything.
 */
@Task(id = "where-one-machine-stops", title = "A capacity planner: scale up, add replicas, or shard", points = 5,
        level = Level.ADVANCED)
@WithPostgresCluster(replicas = 1, settings = {"shared_buffers=16MB", "track_io_timing=on"})
class WhereOneMachineStopsTest {

    static final long SHARED_BUFFERS = 16L * 1024 * 1024;

    @BeforeAll
    static void tables(PostgresCluster cluster) {
        cluster.primary().execute("""
                DROP TABLE IF EXISTS plan_catalog, plan_counters, plan_events;
                CREATE TABLE plan_catalog (id int PRIMARY KEY, title text NOT NULL);
                INSERT INTO plan_catalog SELECT g, 'item ' || g FROM generate_series(1, 2000) g;
                CREATE TABLE plan_counters (id int PRIMARY KEY, hits bigint NOT NULL);
                INSERT INTO plan_counters SELECT g, 0 FROM generate_series(1, 200) g;
                -- unlogged: the scans run on the primary only, and nothing needs replaying
                CREATE UNLOGGED TABLE plan_events (id int PRIMARY KEY, payload text NOT NULL);
                INSERT INTO plan_events SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 150000) g;
                ANALYZE plan_catalog, plan_counters, plan_events;
                """);
        cluster.awaitReplicasCaughtUp();
    }

    @Test
    @DisplayName("small, read-only lookups: add read replicas")
    void readsThatFitInMemoryGetReplicas(PostgresCluster cluster) throws SQLException {
        DataSource primary = cluster.primary().dataSource();
        Workload lookups = new Workload("catalog lookups", List.of("plan_catalog"),
                () -> repeat(primary, "SELECT title FROM plan_catalog WHERE id = ?", 300));

        CapacityAdvice advice = advise(primary, lookups);

        assertEvidence(cluster, advice, List.of("plan_catalog"), 0.0);
        assertThat(advice.evidence().meanIoMs())
                .as("lookups on a table that sits in shared_buffers spend almost none of their time on block I/O"
                        + " (shared_blk_read_time and friends, with track_io_timing), yet the planner reports %.4f of"
                        + " %.4f ms per query: I/O time is not the statement's whole time",
                        advice.evidence().meanIoMs(), advice.evidence().meanQueryMs())
                .isLessThan(advice.evidence().meanQueryMs() / 2);
        assertThat(advice.recommendation())
                .as("only reads (write share %.2f) on a working set of %d kB that fits shared_buffers (%d kB): replicas"
                        + " each hold it all and split the reads. Reason given: %s", advice.evidence().writeShare(),
                        advice.evidence().workingSetBytes() / 1024, SHARED_BUFFERS / 1024, advice.reason())
                .isEqualTo(Recommendation.ADD_READ_REPLICAS);
    }

    @Test
    @DisplayName("scans of a table bigger than shared_buffers: scale up")
    void readsBiggerThanMemoryScaleUp(PostgresCluster cluster) throws SQLException {
        DataSource primary = cluster.primary().dataSource();
        Workload scans = new Workload("event scans", List.of("plan_events"),
                () -> repeat(primary, "SELECT count(*) FROM plan_events WHERE payload LIKE ? ", 4));

        CapacityAdvice advice = advise(primary, scans);

        assertEvidence(cluster, advice, List.of("plan_events"), 0.0);
        assertThat(advice.evidence().meanIoMs())
                .as("scans of a table larger than shared_buffers read blocks: track_io_timing must show I/O time per query")
                .isPositive();
        assertThat(advice.recommendation())
                .as("a working set of %d kB does not fit shared_buffers (%d kB): every replica would miss its cache the"
                        + " same way, more memory on one machine keeps it cached. Reason given: %s",
                        advice.evidence().workingSetBytes() / 1024, SHARED_BUFFERS / 1024, advice.reason())
                .isEqualTo(Recommendation.SCALE_UP);
    }

    @Test
    @DisplayName("mostly updates: shard, never add read replicas")
    void writeBoundWorkloadIsSharded(PostgresCluster cluster) throws SQLException {
        DataSource primary = cluster.primary().dataSource();
        Workload counting = new Workload("hit counters", List.of("plan_counters"), () -> {
            repeat(primary, "UPDATE plan_counters SET hits = hits + 1 WHERE id = ?", 240);
            repeat(primary, "SELECT hits FROM plan_counters WHERE id = ?", 60);
        });

        PostgresNode replica = cluster.replica(1);
        CapacityAdvice advice;
        long updateWal;
        replica.pauseReplay();
        try {
            advice = advise(primary, counting);
            updateWal = cluster.primary().queryValue("SELECT coalesce(sum(wal_bytes), 0)::bigint FROM pg_stat_statements"
                    + " WHERE query LIKE 'UPDATE plan_counters%'", Long.class);
        } finally {
            replica.resumeReplay();
            cluster.awaitReplicasCaughtUp();
        }

        assertEvidence(cluster, advice, List.of("plan_counters"), 240.0 / 300);
        assertThat(updateWal).as("the updates wrote WAL (pg_stat_statements.wal_bytes)").isPositive();
        assertThat(advice.evidence().maxReplicaLagBytes())
                .as("the replica's replay was paused while the workload ran, so it fell behind by at least the %d bytes of"
                        + " WAL the updates wrote; the planner saw a lag of %d bytes. Sample pg_stat_replication on the"
                        + " primary while the workload runs and once more when it has finished", updateWal,
                        advice.evidence().maxReplicaLagBytes())
                .isGreaterThanOrEqualTo(updateWal);
        assertThat(advice.recommendation())
                .as("write share %.2f: read replicas replay every write and take none of it off the primary, so"
                        + " \"add read replicas\" is wrong for a write-bound workload. Reason given: %s",
                        advice.evidence().writeShare(), advice.reason())
                .isNotEqualTo(Recommendation.ADD_READ_REPLICAS)
                .isEqualTo(Recommendation.SHARD);
    }

    private static CapacityAdvice advise(DataSource primary, Workload workload) throws SQLException {
        CapacityPlanner planner = new CapacityPlanner(primary);
        WorkloadFacts facts = planner.measure(workload);
        CapacityAdvice advice = planner.recommend(facts);
        assertThat(advice).as("a recommendation").isNotNull();
        assertThat(advice.evidence())
                .as("a recommendation must carry the measured facts that decided it")
                .isNotNull()
                .isEqualTo(facts);
        assertThat(advice.reason()).as("the reason, in words with the deciding numbers").isNotBlank().containsPattern("\\d");
        return advice;
    }

    private static void assertEvidence(PostgresCluster cluster, CapacityAdvice advice, List<String> tables,
                                       double writeShare) throws SQLException {
        WorkloadFacts facts = advice.evidence();
        long size = 0;
        for (String table : tables) {
            size += cluster.primary().queryValue("SELECT pg_total_relation_size(?::regclass)", Long.class, table);
        }
        assertThat(facts.writeShare())
                .as("the write share is the workload's writing statements over its reading and writing ones, from"
                        + " pg_stat_statements; the planner's own queries (lag samples, sizes) and BEGIN or SET do not count")
                .isCloseTo(writeShare, within(0.001));
        assertThat(facts.workingSetBytes())
                .as("the working set is the size of the workload's tables with their indexes (%d bytes)", size)
                .isCloseTo(size, within(size / 20));
        assertThat(facts.sharedBuffersBytes()).as("shared_buffers, from the server").isEqualTo(SHARED_BUFFERS);
        assertThat(facts.meanQueryMs()).as("mean time per statement, from pg_stat_statements").isPositive();
        assertThat(facts.meanIoMs()).as("block I/O time per statement (track_io_timing) is part of the statement's time")
                .isBetween(0.0, facts.meanQueryMs());
        assertThat(facts.maxReplicaLagBytes()).as("replica lag in bytes is never negative").isGreaterThanOrEqualTo(0);
    }

    private static void repeat(DataSource db, String sql, int times) {
        try (Connection c = db.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                if (sql.contains("LIKE")) {
                    p.setString(1, "%zz" + i + "%");
                } else {
                    p.setInt(1, 1 + i % 200);
                }
                if (p.execute()) {
                    try (ResultSet rs = p.getResultSet()) {
                        while (rs.next()) {
                            rs.getObject(1);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The workload failed: " + e.getMessage(), e);
        }
    }
}
