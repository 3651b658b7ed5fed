package dev.dbkata.replication;

import java.sql.SQLException;
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

    private final DatabaseNode primary;
    private final List<DatabaseNode> replicas;
    private final RouterSettings settings;
    private final SynchronousStandbys synchronous;

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
        this.replicas = List.copyOf(replicas);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.synchronous = Objects.requireNonNull(synchronous, "synchronous");
        if (this.replicas.contains(primary) || this.replicas.stream().distinct().count() != this.replicas.size()) {
            throw new IllegalArgumentException("Each node may be listed once: primary " + primary + ", replicas " + replicas);
        }
        List<String> names = this.replicas.stream().map(DatabaseNode::name).toList();
        if (!names.containsAll(synchronous.names())) {
            throw new IllegalArgumentException("Synchronous standbys " + synchronous.names() + " must be among the"
                    + " replicas " + names);
        }
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
        throw new UnsupportedOperationException("TODO(read-write-split): open a connection to the primary, run the"
                + " work in a transaction, commit it (or roll back when the work throws)");
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
        throw new UnsupportedOperationException("TODO(read-write-split): run the work in a read-only transaction on"
                + " the replicas in turn (round robin)");
    }

    /**
     * The replicas that plain reads may reach right now, in the router's order: neither down
     * (failed within the last {@link RouterSettings#retryDownAfter()}) nor lagging beyond the
     * bound at the last measurement. A snapshot: the list does not change afterwards.
     */
    public List<DatabaseNode> replicasInRotation() {
        throw new UnsupportedOperationException("TODO(replica-failure): keep track of replicas that failed, and"
                + " say which replicas reads may reach now");
    }

    /**
     * Like {@link #write}, and returns a token for {@link #readAfter}: the primary's WAL position
     * once the transaction has committed, so at or after the end of its commit record.
     *
     * @throws SQLException as {@link #write} does
     */
    public CommitToken writeAndGetToken(SqlWork<?> work) throws SQLException {
        throw new UnsupportedOperationException("TODO(read-your-writes): commit the write, then read the"
                + " primary's WAL position on the same connection and return it as a token");
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
        throw new UnsupportedOperationException("TODO(read-your-writes): find a replica whose replay position has"
                + " reached the token (waiting a bounded time), else read on the primary");
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
    public DatabaseNode failover() throws SQLException {
        throw new UnsupportedOperationException("TODO(failover): check the primary is gone, ask the synchronous"
                + " standbys how far they have replayed (N - k + 1 of them must answer), promote the most advanced,"
                + " send writes to it and fence the old primary");
    }

    /** The node that takes writes now: the original primary, or the replica promoted by {@link #failover()}. */
    public DatabaseNode primary() {
        return primary;
    }
}
