package dev.dbkata.sharding;

/**
 * Directory-based placement: which shard holds an account. The directory is the truth, not a
 * hash: an account can be placed anywhere and moved by changing its entry.
 */
@FunctionalInterface
public interface AccountDirectory {

    /**
     * @return the index of the shard that holds {@code accountId}
     * @throws IllegalArgumentException when the directory does not know the account
     */
    int shardOf(long accountId);
}
