package dev.dbkata.loadbalancing;

/**
 * Whether a request may run twice. Only the caller knows: a read with no effect outside the
 * database may be run again on another server after its first server failed; anything else (a
 * write, a read that sends an e-mail, a call that charges a card) must not, because the first run
 * may have done its effect before the failure reached the balancer.
 */
public enum Idempotence {
    /** Safe to run again on another server after a connection failure. */
    IDEMPOTENT,
    /** Runs at most once: a failure goes back to the caller. */
    NOT_IDEMPOTENT
}
