package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.PostgresNode;

/**
 * The test's own transaction on every shard, holding {@code ACCESS EXCLUSIVE} on {@code orders}:
 * every query on the table waits until the test lets go. A slow shard made to order, without a
 * stopwatch: if the code asks the shards in parallel, all of them have its query waiting at once;
 * if it asks one after another, only the first ever does.
 */
final class HeldTableLocks implements AutoCloseable {

    private final List<PostgresNode> shards;
    private final List<Connection> holders = new ArrayList<>();

    private HeldTableLocks(List<PostgresNode> shards) {
        this.shards = shards;
    }

    static HeldTableLocks on(List<PostgresNode> shards) throws SQLException {
        HeldTableLocks locks = new HeldTableLocks(shards);
        try {
            for (PostgresNode shard : shards) {
                Connection c = shard.connect();
                locks.holders.add(c);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
                }
            }
        } catch (SQLException e) {
            locks.close();
            throw e;
        }
        return locks;
    }

    /** The names of the shards where some other session waits for the lock on {@code orders} right now. */
    List<String> shardsWithAWaitingQuery() {
        List<String> waiting = new ArrayList<>();
        for (PostgresNode shard : shards) {
            if (shard.queryValue("SELECT count(*) > 0 FROM pg_locks WHERE relation = 'orders'::regclass AND NOT granted",
                    Boolean.class)) {
                waiting.add(shard.name());
            }
        }
        return waiting;
    }

    /** Lets every waiting query through. */
    @Override
    public void close() {
        for (Connection c : holders) {
            try {
                c.rollback();
                c.close();
            } catch (SQLException e) {
                // The test is over with this session either way.
            }
        }
        holders.clear();
    }
}
