package dev.dbkata.verticalhorizontalscaling;

/** What a capacity planner can recommend. */
public enum Recommendation {
    /** A bigger machine: more memory, faster storage, more cores. */
    SCALE_UP,
    /** More servers that each answer reads from a full copy. */
    ADD_READ_REPLICAS,
    /** Split the data so that each server owns and writes only its part. */
    SHARD
}
