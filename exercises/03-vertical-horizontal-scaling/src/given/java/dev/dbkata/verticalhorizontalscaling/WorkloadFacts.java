package dev.dbkata.verticalhorizontalscaling;

/**
 * What was measured while a workload ran: the numbers a scaling decision rests on.
 *
 * @param writeShare writing statements (INSERT, UPDATE, DELETE) over reading and writing ones,
 *     from the primary's pg_stat_statements (0..1)
 * @param workingSetBytes the size of the workload's tables with their indexes
 * @param sharedBuffersBytes the primary's shared_buffers
 * @param maxReplicaLagBytes the largest replay lag of any replica seen while the workload ran
 *     and once it had finished (bytes of WAL, from pg_stat_replication)
 * @param meanQueryMs mean execution time of the workload's statements (pg_stat_statements)
 * @param meanIoMs of which time spent reading and writing blocks (track_io_timing)
 */
public record WorkloadFacts(double writeShare, long workingSetBytes, long sharedBuffersBytes,
                            long maxReplicaLagBytes, double meanQueryMs, double meanIoMs) {

    /** Time per query that is not block I/O: what a faster CPU would shrink. */
    public double meanNonIoMs() {
        return meanQueryMs - meanIoMs;
    }

    /** The share of query time spent on block I/O (0 when nothing ran). */
    public double ioShare() {
        return meanQueryMs > 0 ? meanIoMs / meanQueryMs : 0;
    }
}
