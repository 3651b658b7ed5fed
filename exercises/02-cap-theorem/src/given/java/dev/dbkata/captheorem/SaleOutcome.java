package dev.dbkata.captheorem;

/** What a seller can honestly tell a buyer about a sale. */
public enum SaleOutcome {

    /** Committed on the primary and confirmed by a quorum of standbys: it survives losing the primary. */
    SOLD,

    /**
     * Committed on the primary, but the wait for the standbys was cancelled before a quorum
     * confirmed it: the seat is taken (every later reader of the primary sees it), and it reaches
     * the standbys once they are back. Not a failure.
     */
    UNCONFIRMED,

    /** Certainly not committed, and it never will be: the seat is still free, as far as this sale goes. */
    FAILED,

    /**
     * The seller cannot know: the connection was lost after COMMIT was sent. The server may still
     * commit (a commit waiting for standbys finishes once they return); find out later by the sale id.
     */
    UNKNOWN,

    /** Someone else holds the seat: nothing was written. */
    TAKEN
}
