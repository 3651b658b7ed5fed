package dev.dbkata.verticalhorizontalscaling;

/**
 * The smallest {@code work_mem} on the grid at which a plan node stays in memory, with the
 * evidence from {@code EXPLAIN (ANALYZE, FORMAT JSON)} at that setting.
 *
 * @param workMemKb the answer, in kB (a multiple of the grid step)
 * @param evidence what the plan said at that setting, such as {@code "Sort Method: quicksort,
 *     Sort Space Type: Memory"} or {@code "Hash Batches: 1"}
 */
public record MemoryAnswer(int workMemKb, String evidence) {

    public MemoryAnswer {
        if (workMemKb < 64) {
            throw new IllegalArgumentException("work_mem cannot be below 64 kB, was " + workMemKb);
        }
    }
}
