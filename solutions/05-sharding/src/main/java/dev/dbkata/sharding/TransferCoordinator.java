package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Moves money between accounts on different shards with two-phase commit: each participant
 * prepares its half ({@code PREPARE TRANSACTION}), the decision "commit" is written to the log
 * on the log shard, then each participant commits ({@code COMMIT PREPARED}). Presumed abort: a
 * prepared transaction without a logged decision is rolled back by {@link #recover()}.
 */
public final class TransferCoordinator {

    /** Every prepared transaction of this coordinator has a gid with this prefix: recovery leaves others alone. */
    static final String GID_PREFIX = "xfer-";

    private final List<DataSource> shards;
    private final AccountDirectory directory;
    private final int logShard;
    private final Checkpoints checkpoints;

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

    public String transfer(long fromAccount, long toAccount, long cents) {
        if (cents <= 0) {
            throw new IllegalArgumentException("A transfer moves a positive amount, not " + cents);
        }
        if (fromAccount == toAccount) {
            throw new IllegalArgumentException("A transfer needs two accounts, not " + fromAccount + " twice");
        }
        int fromShard = shardOf(fromAccount);
        int toShard = shardOf(toAccount);
        ensureLog();
        String id = GID_PREFIX + UUID.randomUUID();
        // One change per participant; two accounts on one shard make one participant with two changes.
        Map<Integer, List<long[]>> changes = new LinkedHashMap<>();
        changes.computeIfAbsent(fromShard, s -> new ArrayList<>()).add(new long[] {fromAccount, -cents});
        changes.computeIfAbsent(toShard, s -> new ArrayList<>()).add(new long[] {toAccount, cents});

        List<Integer> prepared = new ArrayList<>();
        try {
            for (Map.Entry<Integer, List<long[]>> participant : changes.entrySet()) {
                prepare(participant.getKey(), participant.getValue(), id);
                prepared.add(participant.getKey());
            }
        } catch (RuntimeException e) {
            rollBackPrepared(prepared, id);
            throw new IllegalStateException("Transfer of " + cents + " from " + fromAccount + " to " + toAccount
                    + " aborted: " + e.getMessage(), e);
        }
        checkpoints.reached(Checkpoint.EVERY_SHARD_PREPARED, id);
        try {
            logCommit(id);
        } catch (RuntimeException e) {
            // No decision reached the log: abort is the decision, here and in any recovery.
            rollBackPrepared(prepared, id);
            throw new IllegalStateException("Transfer " + id + " aborted: the decision could not be logged: "
                    + e.getMessage(), e);
        }
        checkpoints.reached(Checkpoint.DECISION_LOGGED, id);
        boolean first = true;
        for (int shard : prepared) {
            try {
                finish(shard, "COMMIT PREPARED", id);
            } catch (RuntimeException e) {
                // The decision is commit and stays commit: recover() finishes this participant.
                continue;
            }
            if (first && prepared.size() > 1) {
                first = false;
                checkpoints.reached(Checkpoint.FIRST_SHARD_COMMITTED, id);
            }
        }
        return id;
    }

    public Recovery recover() {
        ensureLog();
        Set<String> decidedCommit = new HashSet<>();
        try (Connection c = shards.get(logShard).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT transfer_id FROM transfer_decisions WHERE decision = 'commit'")) {
            while (rs.next()) {
                decidedCommit.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the coordinator log: " + e.getMessage(), e);
        }
        Set<String> committed = new java.util.LinkedHashSet<>();
        Set<String> rolledBack = new java.util.LinkedHashSet<>();
        for (int shard = 0; shard < shards.size(); shard++) {
            for (String gid : preparedHere(shard)) {
                if (decidedCommit.contains(gid)) {
                    finish(shard, "COMMIT PREPARED", gid);
                    committed.add(gid);
                } else {
                    finish(shard, "ROLLBACK PREPARED", gid);
                    rolledBack.add(gid);
                }
            }
        }
        return new Recovery(new ArrayList<>(committed), new ArrayList<>(rolledBack));
    }

    private int shardOf(long account) {
        int shard = directory.shardOf(account);
        if (shard < 0 || shard >= shards.size()) {
            throw new IllegalArgumentException("The directory puts account " + account + " on shard " + shard
                    + ", but there are " + shards.size());
        }
        return shard;
    }

    private void prepare(int shard, List<long[]> changes, String id) {
        try (Connection c = shards.get(shard).getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                 PreparedStatement update = c.prepareStatement(
                         "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?")) {
                s.execute("SET LOCAL lock_timeout = '5s'");
                for (long[] change : changes) {
                    update.setLong(1, change[1]);
                    update.setLong(2, change[0]);
                    if (update.executeUpdate() != 1) {
                        throw new IllegalStateException("no account " + change[0] + " on shard " + shard);
                    }
                }
                s.execute("PREPARE TRANSACTION '" + id + "'");
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("shard " + shard + " could not prepare: " + e.getMessage(), e);
        }
    }

    private void rollBackPrepared(List<Integer> prepared, String id) {
        for (int shard : prepared) {
            try {
                finish(shard, "ROLLBACK PREPARED", id);
            } catch (RuntimeException e) {
                // Presumed abort: no decision is logged, so recover() rolls it back later.
            }
        }
    }

    private void finish(int shard, String command, String gid) {
        try (Connection c = shards.get(shard).getConnection(); Statement s = c.createStatement()) {
            s.execute(command + " '" + gid.replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IllegalStateException(command + " " + gid + " failed on shard " + shard + ": " + e.getMessage(), e);
        }
    }

    private List<String> preparedHere(int shard) {
        List<String> gids = new ArrayList<>();
        try (Connection c = shards.get(shard).getConnection();
             PreparedStatement s = c.prepareStatement("SELECT gid FROM pg_prepared_xacts"
                     + " WHERE database = current_database() AND starts_with(gid, ?) ORDER BY prepared")) {
            s.setString(1, GID_PREFIX);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list prepared transactions on shard " + shard + ": "
                    + e.getMessage(), e);
        }
        return gids;
    }

    private void ensureLog() {
        try (Connection c = shards.get(logShard).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS transfer_decisions (transfer_id text PRIMARY KEY,"
                    + " decision text NOT NULL CHECK (decision = 'commit'), decided_at timestamptz NOT NULL DEFAULT now())");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the coordinator log: " + e.getMessage(), e);
        }
    }

    private void logCommit(String id) {
        try (Connection c = shards.get(logShard).getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO transfer_decisions (transfer_id, decision)"
                     + " VALUES (?, 'commit')")) {
            s.setString(1, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not log the decision on shard " + logShard + ": " + e.getMessage(), e);
        }
    }
}
