package dev.dbkata.monitoring;

/**
 * The Prometheus names the metrics endpoint exports, and their labels. The tests scrape these
 * names; Micrometer turns {@code pg.table.dead.tuples} into {@code pg_table_dead_tuples}.
 */
public final class MetricNames {

    /** Gauge per replica (label {@link #REPLICA}): WAL bytes the primary wrote that the replica has not replayed. */
    public static final String REPLICATION_LAG_BYTES = "pg_replication_lag_bytes";
    /** Gauge per replica: seconds since the last replayed transaction, 0 when it has replayed all it received. */
    public static final String REPLICATION_LAG_SECONDS = "pg_replication_lag_seconds";
    /** Counter: committed plus rolled-back transactions of the database ({@code pg_stat_database}). */
    public static final String TRANSACTIONS_TOTAL = "pg_transactions_total";
    /** Gauge: transactions per second between the previous scrape and this one; 0 on the first. */
    public static final String TRANSACTIONS_PER_SECOND = "pg_transactions_per_second";
    /** Gauge: {@code blks_hit / (blks_hit + blks_read)} of the database. */
    public static final String CACHE_HIT_RATIO = "pg_cache_hit_ratio";
    /** Gauge per table (labels {@link #SCHEMA}, {@link #TABLE}): {@code n_dead_tup}. */
    public static final String TABLE_DEAD_TUPLES = "pg_table_dead_tuples";
    /** Gauge per table: {@code n_live_tup}. */
    public static final String TABLE_LIVE_TUPLES = "pg_table_live_tuples";
    /** HikariCP's gauge (label {@link #POOL}): connections in use. */
    public static final String POOL_ACTIVE = "hikaricp_connections_active";
    /** HikariCP's gauge: connections open and unused. */
    public static final String POOL_IDLE = "hikaricp_connections_idle";
    /** HikariCP's gauge: threads waiting for a connection. */
    public static final String POOL_PENDING = "hikaricp_connections_pending";
    /** HikariCP's gauge: the pool's maximum size. */
    public static final String POOL_MAX = "hikaricp_connections_max";

    /** Gauge: 1 when the last scrape reached the primary, 0 when it did not (every other value is then NaN). */
    public static final String UP = "pg_up";

    public static final String REPLICA = "replica";
    public static final String SCHEMA = "schema";
    public static final String TABLE = "table";
    public static final String POOL = "pool";

    private MetricNames() {
    }
}
