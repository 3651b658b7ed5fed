package dev.dbkata.sharding;

/**
 * The seam through which the tests stop a coordinator, or break a shard, between the phases of a
 * two-phase commit. The coordinator calls {@link #reached} at each {@link Checkpoint}, in its own
 * thread, and carries on when it returns.
 *
 * <p>A test may block in it, crash a server in it, or throw {@link CoordinatorStopped} from it:
 * that means the coordinator's process died right there.
 */
@FunctionalInterface
public interface Checkpoints {

    /** Checkpoints that do nothing: a coordinator in production. */
    Checkpoints NONE = (where, transferId) -> {
    };

    /**
     * @param where      the moment reached
     * @param transferId the id of the transfer, as {@code transfer} returns it; every prepared
     *                   transaction of the transfer has a {@code gid} that contains it
     */
    void reached(Checkpoint where, String transferId);
}
