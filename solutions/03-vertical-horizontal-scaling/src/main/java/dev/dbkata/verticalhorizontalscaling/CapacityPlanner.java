package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/** Measures a workload on a primary with replicas, and says which way to scale it. */
public final class CapacityPlanner {

    /** At or above this share of writing statements, a workload is write-bound. */
    public static final double WRITE_BOUND = 0.5;

    private static final String MARK = "/* capacity-planner */ ";

    private final DataSource primary;

    /** @param primary the primary the workload runs on (its replicas are seen through pg_stat_replication) */
    public CapacityPlanner(DataSource primary) {
        this.primary = primary;
    }

    /**
     * Resets the primary's pg_stat_statements, runs the workload while sampling the replicas'
     * replay lag (and once more when it has finished), then reads the facts from the server.
     */
    public WorkloadFacts measure(Workload workload) throws SQLException {
        run("SELECT pg_stat_statements_reset()");
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong maxLag = new AtomicLong();
        ExecutorService sampler = Executors.newSingleThreadExecutor();
        try {
            Future<?> sampling = sampler.submit(() -> {
                try (Connection c = primary.getConnection(); Statement s = c.createStatement()) {
                    while (true) {
                        // Read the flag before sampling: the sample taken after the workload ended is
                        // the last one, so the lag the run left behind is always seen.
                        boolean last = done.get();
                        try (ResultSet rs = s.executeQuery(MARK + "SELECT coalesce(max(pg_wal_lsn_diff("
                                + "pg_current_wal_lsn(), replay_lsn)), 0)::bigint FROM pg_stat_replication")) {
                            rs.next();
                            maxLag.accumulateAndGet(rs.getLong(1), Math::max);
                        }
                        if (last) {
                            break;
                        }
                        TimeUnit.MILLISECONDS.sleep(10);
                    }
                }
                return null;
            });
            try {
                workload.run().run();
            } finally {
                done.set(true);
            }
            sampling.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while measuring " + workload.name(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new SQLException("Could not sample replica lag: " + e.getMessage(), e);
        } finally {
            sampler.shutdownNow();
        }

        try (Connection c = primary.getConnection()) {
            double writes;
            double reads;
            double execMs;
            double ioMs;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(MARK + "SELECT"
                         + " coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(insert|update|delete|merge)\\M'), 0),"
                         + " coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(select|with|table)\\M'), 0),"
                         + " coalesce(sum(total_exec_time), 0),"
                         + " coalesce(sum(shared_blk_read_time + shared_blk_write_time + local_blk_read_time"
                         + " + local_blk_write_time + temp_blk_read_time + temp_blk_write_time), 0)"
                         + " FROM pg_stat_statements"
                         + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                         + " AND query !~* 'capacity-planner|pg_stat_statements'"
                         + " AND query ~* '^\\s*(insert|update|delete|merge|select|with|table)\\M'")) {
                rs.next();
                writes = rs.getDouble(1);
                reads = rs.getDouble(2);
                execMs = rs.getDouble(3);
                ioMs = rs.getDouble(4);
            }
            long statements = (long) (writes + reads);
            long workingSet = 0;
            try (PreparedStatement p = c.prepareStatement(MARK + "SELECT pg_total_relation_size(?::regclass)")) {
                for (String table : workload.tables()) {
                    p.setString(1, table);
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        workingSet += rs.getLong(1);
                    }
                }
            }
            long sharedBuffers;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(MARK + "SELECT pg_size_bytes(current_setting('shared_buffers'))")) {
                rs.next();
                sharedBuffers = rs.getLong(1);
            }
            return new WorkloadFacts(statements == 0 ? 0 : writes / statements, workingSet, sharedBuffers,
                    maxLag.get(), statements == 0 ? 0 : execMs / statements, statements == 0 ? 0 : ioMs / statements);
        }
    }

    /**
     * Write-bound (write share at least {@link #WRITE_BOUND}): shard, since every replica replays
     * every write. Else a working set larger than shared_buffers: scale up (memory), since every
     * replica would miss its cache the same way. Else: add read replicas.
     */
    public CapacityAdvice recommend(WorkloadFacts facts) {
        if (facts.writeShare() >= WRITE_BOUND) {
            return new CapacityAdvice(Recommendation.SHARD, facts, String.format(Locale.ROOT,
                    "write share %.2f >= %.2f: every replica replays every write (replica lag up to %d bytes),"
                            + " so only splitting the data spreads the writes", facts.writeShare(), WRITE_BOUND,
                    facts.maxReplicaLagBytes()));
        }
        if (facts.workingSetBytes() > facts.sharedBuffersBytes()) {
            return new CapacityAdvice(Recommendation.SCALE_UP, facts, String.format(Locale.ROOT,
                    "working set %d kB > shared_buffers %d kB (block I/O %.3f of %.3f ms per query):"
                            + " more memory keeps it cached; each replica would miss the same way",
                    facts.workingSetBytes() / 1024, facts.sharedBuffersBytes() / 1024, facts.meanIoMs(), facts.meanQueryMs()));
        }
        return new CapacityAdvice(Recommendation.ADD_READ_REPLICAS, facts, String.format(Locale.ROOT,
                "write share %.2f < %.2f and working set %d kB fits shared_buffers %d kB:"
                        + " reads spread over replicas, each holding the whole working set",
                facts.writeShare(), WRITE_BOUND, facts.workingSetBytes() / 1024, facts.sharedBuffersBytes() / 1024));
    }

    private void run(String sql) throws SQLException {
        try (Connection c = primary.getConnection(); Statement s = c.createStatement()) {
            s.execute(MARK + sql);
        }
    }
}
