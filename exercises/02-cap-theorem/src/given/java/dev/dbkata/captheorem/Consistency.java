package dev.dbkata.captheorem;

/** What a read may give up when the replica of its zone cannot be shown to be up to date. */
public enum Consistency {

    /**
     * Answer only with data that includes everything committed on the primary before the read
     * began; otherwise refuse ({@link UnavailableException}). The C of CAP: give up availability.
     */
    CONSISTENT,

    /**
     * Always answer, from the zone's replica, and say how stale the answer may be. The A of CAP:
     * give up consistency.
     */
    AVAILABLE
}
