package dev.dbkata.testkit;

/** What a PostgreSQL node is for in its topology. */
public enum NodeRole {
    /** A server on its own. */
    STANDALONE,
    /** Takes the writes of a cluster and streams them to replicas. */
    PRIMARY,
    /** A hot standby: replays the primary's WAL and answers read-only queries. */
    REPLICA,
    /** One of several servers that share nothing. */
    SHARD
}
