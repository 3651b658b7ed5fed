package dev.dbkata.verticalhorizontalscaling;

import java.sql.SQLException;

import javax.sql.DataSource;

/** Measures a workload on a primary with replicas, and says which way to scale it. */
public final class CapacityPlanner {

    private final DataSource primary;

    /** @param primary the primary the workload runs on (its replicas are seen through pg_stat_replication) */
    public CapacityPlanner(DataSource primary) {
        this.primary = primary;
    }

    /**
     * Resets the primary's {@code pg_stat_statements}, runs the workload to the end while sampling
     * the replicas' replay lag (and once more when it has finished), and reads the facts from the server: the write share of the
     * workload's reading and writing statements, the size of its tables with their indexes,
     * {@code shared_buffers}, the largest replay lag seen, and mean time and block I/O time per
     * statement ({@code track_io_timing}). The planner's own queries do not count.
     */
    public WorkloadFacts measure(Workload workload) throws SQLException {
        throw new UnsupportedOperationException("TODO(where-one-machine-stops): run the workload and measure"
                + " write share, working set, shared_buffers, replica lag and I/O time on the server");
    }

    /**
     * Scale up, add read replicas, or shard, decided from the facts, carrying them as evidence and
     * a reason that quotes the deciding numbers.
     */
    public CapacityAdvice recommend(WorkloadFacts facts) {
        throw new UnsupportedOperationException("TODO(where-one-machine-stops): decide from write share, working set"
                + " against shared_buffers and lag, and say which numbers decided");
    }
}
