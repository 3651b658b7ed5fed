package dev.dbkata.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides, per unit of work, which server of a primary-with-streaming-replicas cluster runs it:
 * writes on the primary, reads on the replicas, and never a stale read after the caller's own
 * write.
 *
 * <p>The router opens its own connections from each {@link DatabaseNode}'s JDBC URL (no pool is
 * needed here), with the connect and socket timeouts of its {@link RouterSettings}, and closes
 * each one before returning. Thread-safe: one router serves many threads at once.
 *
 * <p>What the servers must observe:
 * <ul>
 *   <li>{@link #write} runs on the primary, in one transaction that commits when the work returns
 *       and rolls back when it throws;</li>
 *   <li>{@link #read} runs on a replica, in one read-only transaction ({@code transaction_read_only
 *       = on}) that spans the whole work; successive reads take the replicas in turn;</li>
 *   <li>a replica more than {@link RouterSettings#maxLagBytes()} behind the primary, measured at
 *       most {@link RouterSettings#lagCheckInterval()} ago, takes no plain reads; when every
 *       replica lags (or is down), reads go to the primary, still read-only;</li>
 *   <li>a replica that fails to connect or to answer leaves the rotation for
 *       {@link RouterSettings#retryDownAfter()} and the read is retried on another node;
 *       writes are never retried.</li>
 * </ul>
 */
public final class ReplicaRouter {

    private final RouterSettings settings;
    private final SynchronousStandbys synchronous;
    private final NodeConnector connector;
    private final Rotation rotation;
    private final Promotion promotion;
    private final Object lagCheck = new Object();
    private volatile DatabaseNode primary;
    private volatile long nextLagCheckNanos = System.nanoTime();

    /**
     * A router over an asynchronous cluster: no commit waits for a standby, so a failover may lose
     * what the primary acknowledged but had not yet shipped.
     *
     * @param primary  the server that takes writes
     * @param replicas its hot standbys, in the order the router should take them
     * @param settings timeouts, lag bound and waits
     * @throws IllegalArgumentException when a node is listed twice
     */
    public ReplicaRouter(DatabaseNode primary, List<DatabaseNode> replicas, RouterSettings settings) {
        this(primary, replicas, settings, SynchronousStandbys.none());
    }

    /**
     * @param primary     the server that takes writes
     * @param replicas    its hot standbys, in the order the router should take them
     * @param settings    timeouts, lag bound and waits
     * @param synchronous the primary's {@code synchronous_standby_names}: which replicas every
     *                    acknowledged commit waits for; {@link #failover()} promotes only one of them
     * @throws IllegalArgumentException when a node is listed twice, or a synchronous standby is not
     *                                  among the replicas
     */
    public ReplicaRouter(DatabaseNode primary, List<DatabaseNode> replicas, RouterSettings settings,
            SynchronousStandbys synchronous) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.synchronous = Objects.requireNonNull(synchronous, "synchronous");
        List<DatabaseNode> copy = List.copyOf(replicas);
        if (copy.contains(primary) || copy.stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException("Each node may be listed once: primary " + primary + ", replicas " + replicas);
        }
        List<String> names = copy.stream().map(DatabaseNode::name).toList();
        if (!names.containsAll(synchronous.names())) {
            throw new IllegalArgumentException("Synchronous standbys " + synchronous.names() + " must be among the"
                    + " replicas " + names);
        }
        this.connector = new NodeConnector(settings);
        this.rotation = new Rotation(copy, settings);
        this.promotion = new Promotion(connector);
    }

    /**
     * Runs {@code work} on the primary in one transaction: committed when the work returns,
     * rolled back when it throws. Never retried, on any node: a write whose outcome is unknown
     * (the connection broke before the commit was acknowledged) may have committed, and running it
     * again could apply it twice.
     *
     * @return what the work returned, once the commit has succeeded
     * @throws SQLException what the server or the work threw; also when the primary cannot be
     *                      reached or stops answering within the socket timeout
     */
    public <T> T write(SqlWork<T> work) throws SQLException {
        try (Connection c = connector.open(primary)) {
            return inTransaction(c, false, work);
        }
    }

    /**
     * Runs {@code work} in one read-only transaction on the next replica in turn (round robin over
     * the replicas in the rotation), or on the primary when no replica may serve it. A write inside
     * the work fails with SQLSTATE 25006 ({@code read_only_sql_transaction}) on every node.
     *
     * <p>When the chosen node cannot be reached, or the connection breaks or times out while the
     * work runs, that node leaves the rotation and the work runs again on another node. Errors
     * the server reports about the work itself (a syntax error, a write attempt, a division by
     * zero) would fail on any node: they reach the caller at once, and the node keeps its place.
     *
     * @return what the work returned
     * @throws SQLException what the work's statements threw; or, when no node at all could run it,
     *                      the last connection failure
     */
    public <T> T read(SqlWork<T> work) throws SQLException {
        refreshLagIfDue();
        for (DatabaseNode replica : rotation.inTurn(rotation::isWithinLagBound)) {
            try (Connection c = connector.open(replica)) {
                return inTransaction(c, true, work);
            } catch (SQLException e) {
                // The node failed, not the work: it leaves the rotation and the next one tries.
                markDownOrRethrow(replica, e);
            }
        }
        return readOnPrimary(work);
    }

    /**
     * The replicas that plain reads may reach right now, in the router's order: neither down
     * (failed within the last {@link RouterSettings#retryDownAfter()}) nor lagging beyond the
     * bound at the last measurement. A snapshot: the list does not change afterwards.
     */
    public List<DatabaseNode> replicasInRotation() {
        return rotation.inRotation();
    }

    /**
     * Like {@link #write}, and returns a token for {@link #readAfter}: the primary's WAL position
     * once the transaction has committed, so at or after the end of its commit record.
     *
     * @throws SQLException as {@link #write} does
     */
    public CommitToken writeAndGetToken(SqlWork<?> work) throws SQLException {
        try (Connection c = connector.open(primary)) {
            inTransaction(c, false, work);
            c.setAutoCommit(true);
            // The insert position is past every record written so far, the commit's included,
            // even when the commit was asynchronous and not yet flushed.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                rs.next();
                return new CommitToken(WalPosition.parse(rs.getString(1)));
            }
        }
    }

    /**
     * Like {@link #read}, but the work is sure to see everything committed up to {@code token}:
     * it runs on a replica only once that replica's replay position ({@code
     * pg_last_wal_replay_lsn()}) has reached the token. Any replica that is not down may serve
     * (the token is a stricter test than the lag bound). When none has reached the token yet, it
     * keeps checking them until one has, for up to {@link RouterSettings#readYourWritesWait()}, and
     * runs on the primary only once that wait is over: right after a write replicas are usually a
     * few milliseconds behind, and read-your-writes must not turn every read into a primary read.
     *
     * @throws SQLException as {@link #read} does
     */
    public <T> T readAfter(CommitToken token, SqlWork<T> work) throws SQLException {
        Objects.requireNonNull(token, "token");
        List<Connection> open = new ArrayList<>();
        List<DatabaseNode> openNodes = new ArrayList<>();
        try {
            for (DatabaseNode replica : rotation.inTurn(replica -> true)) {
                try {
                    open.add(connector.open(replica));
                    openNodes.add(replica);
                } catch (SQLException e) {
                    markDownOrRethrow(replica, e);
                }
            }
            long deadline = System.nanoTime() + settings.readYourWritesWait().toNanos();
            while (!open.isEmpty()) {
                for (int i = 0; i < open.size(); i++) {
                    Connection c = open.get(i);
                    DatabaseNode replica = openNodes.get(i);
                    try {
                        if (ReplicationLag.replayed(c).isAtLeast(token.position())) {
                            return inTransaction(c, true, work);
                        }
                    } catch (SQLException e) {
                        markDownOrRethrow(replica, e);
                        closeQuietly(open.remove(i));
                        openNodes.remove(i);
                        i--;
                    }
                }
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
                Pause.millis(10);
            }
        } finally {
            open.forEach(ReplicaRouter::closeQuietly);
        }
        return readOnPrimary(work);
    }

    /**
     * Replaces a primary that is gone. Refuses while the primary still answers (promoting then
     * would leave two primaries). Otherwise promotes a replica that has every acknowledged commit:
     * with synchronous standbys, only one of them, never an asynchronous replica. Each acknowledged
     * commit is on {@code k} of the {@code N} synchronous standbys ({@link SynchronousStandbys}),
     * so the router asks them how far they have replayed and needs answers from {@code N - k + 1}
     * of them (any k of N then include one that answered); it promotes the most advanced that
     * answered ({@code pg_promote()}), and refuses when too few answered. With no synchronous
     * standby, it promotes the most advanced reachable replica (and may lose what the primary had
     * not shipped yet). It waits until the promoted node takes writes, and from then on sends
     * writes to it. The old primary is fenced: should it come back, this router never
     * sends it a write or a read again. The promoted node leaves the replicas, and so do the others:
     * they still follow the old primary, and re-pointing them is not this router's job, so until a
     * router is built over the new topology, reads go to the new primary.
     *
     * @return the promoted node, now the primary
     * @throws IllegalStateException when the primary still answers, when too few synchronous
     *                               standbys answer to be sure no acknowledged commit is lost, or
     *                               when no replica is reachable
     * @throws SQLException when the promotion itself fails
     */
    public synchronized DatabaseNode failover() throws SQLException {
        DatabaseNode old = primary;
        if (answers(old)) {
            throw new IllegalStateException("The primary " + old + " still answers: promoting a replica now would"
                    + " leave two primaries taking writes");
        }
        DatabaseNode chosen = promotion.choose(rotation.replicas(), synchronous);
        promotion.promote(chosen);
        // Fencing by memory: the old primary is neither the primary nor a replica from now on,
        // and this router never looks for "the node that takes writes" by asking the nodes.
        primary = chosen;
        rotation.removeAll();
        return chosen;
    }

    /** The node that takes writes now: the original primary, or the replica promoted by {@link #failover()}. */
    public DatabaseNode primary() {
        return primary;
    }

    private <T> T readOnPrimary(SqlWork<T> work) throws SQLException {
        try (Connection c = connector.open(primary)) {
            return inTransaction(c, true, work);
        }
    }

    /**
     * Runs the work in one transaction: BEGIN READ ONLY for reads, so that a write fails with
     * 25006 on the primary as it does on a standby.
     */
    private static <T> T inTransaction(Connection c, boolean readOnly, SqlWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        c.setReadOnly(readOnly);
        T result;
        try {
            result = work.run(c);
        } catch (SQLException | RuntimeException | Error e) {
            rollbackUnlessBroken(c, e);
            throw e;
        }
        c.commit();
        return result;
    }

    /**
     * A broken connection has nothing to roll back (the server ends the transaction with the
     * session) and pgjdbc has already closed it: rolling back would only add a second error.
     */
    private static void rollbackUnlessBroken(Connection c, Throwable failure) {
        if (failure instanceof SQLException e && Failures.isNodeFailure(e)) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException rollbackFailed) {
            failure.addSuppressed(rollbackFailed);
        }
    }

    private void markDownOrRethrow(DatabaseNode replica, SQLException e) throws SQLException {
        if (!Failures.isNodeFailure(e)) {
            throw e;
        }
        rotation.markDown(replica);
    }

    private boolean answers(DatabaseNode node) {
        try (Connection c = connector.open(node); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Measures every replica's lag again once the last measurement is older than the interval.
     * One thread measures; the others read with the previous measurement meanwhile.
     */
    private void refreshLagIfDue() {
        if (System.nanoTime() - nextLagCheckNanos < 0 || rotation.replicas().isEmpty()) {
            return;
        }
        synchronized (lagCheck) {
            if (System.nanoTime() - nextLagCheckNanos < 0) {
                return;
            }
            WalPosition written;
            try (Connection p = connector.open(primary)) {
                written = ReplicationLag.written(p);
            } catch (SQLException primaryUnreachable) {
                // Without the primary there is nothing to compare with: keep the last measurements.
                nextLagCheckNanos = System.nanoTime() + settings.lagCheckInterval().toNanos();
                return;
            }
            for (DatabaseNode replica : rotation.replicas()) {
                if (rotation.isUp(replica)) {
                    measure(replica, written);
                }
            }
            nextLagCheckNanos = System.nanoTime() + settings.lagCheckInterval().toNanos();
        }
    }

    private void measure(DatabaseNode replica, WalPosition primaryWritten) {
        try (Connection r = connector.open(replica)) {
            rotation.recordLag(replica, Math.max(0, primaryWritten.bytesAfter(ReplicationLag.replayed(r))));
            rotation.markUp(replica);
        } catch (SQLException e) {
            rotation.markDown(replica);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing a connection to a server that is gone: nothing left to release.
        }
    }
}
