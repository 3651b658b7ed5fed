package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Measures how far a streaming replica is behind its primary, in bytes of WAL.
 *
 * <p>Bytes, not seconds: {@code now() - pg_last_xact_replay_timestamp()} grows on an idle
 * cluster where nothing is missing, while a byte distance is zero exactly when the replica has
 * applied everything the primary wrote.
 */
public final class ReplicationLag {

    private ReplicationLag() {
    }

    /**
     * How many bytes of WAL the primary has written that the replica has not yet replayed
     * (applied, so that its queries see them): the primary's current WAL position minus the
     * replica's last replayed position ({@code pg_last_wal_replay_lsn()}). Received but not
     * replayed WAL counts as lag: its rows are not visible on the replica yet.
     *
     * <p>Runs one query on each connection and leaves both open. Thread-safe (it keeps no state).
     *
     * @param primary a connection to the primary ({@code pg_is_in_recovery()} is false)
     * @param replica a connection to a hot standby of that primary
     * @return 0 or more; 0 when the replica has replayed everything
     * @throws SQLException when either server fails to answer
     */
    public static long bytesBehind(Connection primary, Connection replica) throws SQLException {
        // The replica first: the primary only moves forward, so reading it second never
        // under-states the lag.
        WalPosition replayed = replayed(replica);
        return Math.max(0, written(primary).bytesAfter(replayed));
    }

    /** Where the primary's WAL stands: everything up to here is written. */
    static WalPosition written(Connection primary) throws SQLException {
        return position(primary, "SELECT pg_current_wal_lsn()::text");
    }

    /**
     * How far a standby has applied WAL; its queries see exactly the transactions committed up
     * to here. A server that is not (or no longer) in recovery has no replay position: it counts
     * as having nothing.
     */
    static WalPosition replayed(Connection replica) throws SQLException {
        return position(replica, "SELECT coalesce(pg_last_wal_replay_lsn(), '0/0')::text");
    }

    private static WalPosition position(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return WalPosition.parse(rs.getString(1));
        }
    }
}
