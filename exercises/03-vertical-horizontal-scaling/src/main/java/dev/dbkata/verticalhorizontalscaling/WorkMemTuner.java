package dev.dbkata.verticalhorizontalscaling;

import javax.sql.DataSource;

/**
 * Finds the smallest {@code work_mem} on a grid at which a report's sort, or its hash join, runs in
 * memory, from the executed plan ({@code EXPLAIN (ANALYZE, FORMAT JSON)}) rather than from a
 * stopwatch.
 *
 * <p>Work on a connection of your own from the data source; apply the report's
 * {@link ReportQuery#pinPlan planner settings} and your {@code work_mem} with {@code SET}, and
 * {@code RESET ALL} before the connection goes back to the pool.
 */
public final class WorkMemTuner {

    /** The largest setting tried: a report that spills even here needs another plan, not memory. */
    public static final int MAX_WORK_MEM_KB = 256 * 1024;

    private final DataSource database;

    public WorkMemTuner(DataSource database) {
        this.database = database;
    }

    /**
     * The smallest multiple of {@code stepKb} (at least 64 kB) at which every Sort node of the
     * query's executed plan reports "Sort Space Type": "Memory". One step below it, the sort spills
     * ("Disk").
     *
     * @return the answer and the plan's evidence at it (sort method and space type)
     * @throws IllegalArgumentException if the step is not positive, or the plan has no Sort node
     * @throws IllegalStateException if the sort spills even at {@link #MAX_WORK_MEM_KB}
     */
    public MemoryAnswer smallestSortWorkMem(ReportQuery report, int stepKb) {
        throw new UnsupportedOperationException("TODO(memory-for-sorts): search the work_mem grid with"
                + " EXPLAIN (ANALYZE, FORMAT JSON) for the smallest setting whose Sort stays in Memory");
    }

    /**
     * The smallest multiple of {@code stepKb} (at least 64 kB) at which every Hash node of the
     * query's executed plan reports "Hash Batches": 1. A hash may use {@code work_mem} times
     * {@code hash_mem_multiplier}; the answer is the {@code work_mem}.
     *
     * @return the answer and the plan's evidence at it ("Hash Batches: 1, ...")
     * @throws IllegalArgumentException if the step is not positive, or the plan has no Hash node
     * @throws IllegalStateException if the hash spills even at {@link #MAX_WORK_MEM_KB}
     */
    public MemoryAnswer smallestHashWorkMem(ReportQuery report, int stepKb) {
        throw new UnsupportedOperationException("TODO(memory-for-sorts): search the work_mem grid for the"
                + " smallest setting whose Hash node has one batch");
    }
}
