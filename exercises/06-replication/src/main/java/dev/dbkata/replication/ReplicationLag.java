package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.SQLException;

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
        throw new UnsupportedOperationException("TODO(lag-aware-reads): read the primary's current WAL position"
                + " and the replica's last replayed one, and return the bytes between them");
    }
}
