package dev.dbkata.testkit;

/**
 * How a primary chooses the synchronous standbys a commit waits for, as written in its
 * {@code synchronous_standby_names}.
 */
public enum SyncMethod {

    /**
     * By priority, {@code FIRST k (replica1, ..., replicak)}: a commit waits for exactly the first
     * k replicas; the others stay asynchronous.
     */
    FIRST,

    /**
     * By quorum, {@code ANY k (replica1, ..., replicaN)}: a commit waits for any k of all the
     * replicas, whichever answer first; one slow or cut-off replica does not hold commits while k
     * others answer.
     */
    ANY
}
