package dev.dbkata.sharding;

import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * Moves money between accounts (see {@link AccountsTable}) on different shards, all or nothing,
 * with two-phase commit, and finishes what a coordinator that died left behind.
 *
 * <ol>
 *   <li>Prepare: on each participant shard, change the balance and {@code PREPARE TRANSACTION} with
 *       a gid that contains the transfer id. Nothing is committed anywhere yet.</li>
 *   <li>Decide: only when every participant has prepared, write the decision "commit" to a log
 *       table on the log shard, durably (committed).</li>
 *   <li>Commit: {@code COMMIT PREPARED} on each participant.</li>
 * </ol>
 * Presumed abort: a prepared transaction without a logged decision is rolled back by
 * {@link #recover()}. At each step the coordinator calls its {@link Checkpoints}; a
 * {@link CoordinatorStopped} thrown from there must pass through untouched.
 */
public final class TransferCoordinator {

    private final List<DataSource> shards;
    private final AccountDirectory directory;
    private final int logShard;
    private final Checkpoints checkpoints;

    /**
     * @param shards      one data source per shard (index = shard number)
     * @param directory   which shard holds which account
     * @param logShard    the shard whose table holds the coordinator log
     * @param checkpoints told of each step ({@link Checkpoints#NONE} in production)
     * @throws IllegalArgumentException when {@code shards} is empty or {@code logShard} is not one of them
     */
    public TransferCoordinator(List<DataSource> shards, AccountDirectory directory, int logShard, Checkpoints checkpoints) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("At least one shard is needed");
        }
        if (logShard < 0 || logShard >= shards.size()) {
            throw new IllegalArgumentException("No shard " + logShard + " for the log: there are " + shards.size());
        }
        this.shards = List.copyOf(shards);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.logShard = logShard;
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    }

    /**
     * Moves {@code cents} from one account to another. Returns once the decision is commit: if a
     * participant is unreachable for its {@code COMMIT PREPARED}, it stays prepared and
     * {@link #recover()} finishes it.
     *
     * @return the transfer id (unique; contained in the gid of each of its prepared transactions)
     * @throws IllegalArgumentException when {@code cents} is not positive or both accounts are one
     * @throws IllegalStateException    when the transfer aborted (an account missing, a balance that
     *                                  would go negative, a shard that failed before the decision):
     *                                  then no balance changed and nothing stays prepared
     */
    public String transfer(long fromAccount, long toAccount, long cents) {
        throw new UnsupportedOperationException(
                "TODO(cross-shard-transfer): prepare on both shards, log the decision, then COMMIT PREPARED on both");
    }

    /**
     * Decides every prepared transaction of this kind of coordinator on every shard: commit when the
     * log says commit, roll back when it says nothing. Leaves other prepared transactions alone. Run
     * it when no other coordinator is between its phases (at start-up, say).
     */
    public Recovery recover() {
        throw new UnsupportedOperationException(
                "TODO(cross-shard-transfer): for each prepared transaction, COMMIT or ROLLBACK PREPARED as the log says");
    }
}
