package dev.dbkata.sharding;

/** The moments of a two-phase commit at which the coordinator reports to its {@link Checkpoints}. */
public enum Checkpoint {
    /** Every participant has run {@code PREPARE TRANSACTION}; no decision is written yet. */
    EVERY_SHARD_PREPARED,
    /** The commit decision is durable in the coordinator log; no participant has committed yet. */
    DECISION_LOGGED,
    /** One participant has run {@code COMMIT PREPARED}; at least one other has not. */
    FIRST_SHARD_COMMITTED
}
