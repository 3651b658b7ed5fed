package dev.dbkata.sharding;

/**
 * Thrown by a test's {@link Checkpoints} to stop a coordinator as if its process had died at that
 * moment. A process that dies cleans nothing up: let this pass through, do not catch it, and do
 * not roll back or commit anything on the way out. Only {@code recover()} may finish the work.
 */
public final class CoordinatorStopped extends Error {

    private static final long serialVersionUID = 1L;

    public CoordinatorStopped(String where) {
        super("the coordinator stopped " + where, null, false, false);
    }
}
