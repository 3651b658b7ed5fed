package dev.dbkata.monitoring;

/** What the {@link PlanDoctor} can find in a plan that ran. */
public enum FindingKind {
    /** A sequential scan of a large table whose filter threw most of the rows it read away. */
    SEQ_SCAN_FILTERS_MOST_ROWS,
    /** The planner's row estimate for a node is off from the actual rows by 10× or more, either way. */
    ROW_ESTIMATE_OFF,
    /** A sort, hash or hash aggregate that did not fit in {@code work_mem} and went to disk. */
    SPILLS_TO_DISK,
    /** A nested loop whose outer side produced many rows, so its inner side ran as many times. */
    NESTED_LOOP_LARGE_OUTER
}
