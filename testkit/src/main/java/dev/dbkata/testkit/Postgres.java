package dev.dbkata.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.PostgresConfig;

/**
 * Starts PostgreSQL topologies outside the JUnit extension, Testcontainers style:
 *
 * <pre>{@code
 * try (PostgresCluster cluster = Postgres.cluster().withReplicas(2).start()) {
 *     cluster.primary().execute("CREATE TABLE t (id int)");
 * }
 * }</pre>
 *
 * Every server runs PostgreSQL 17 with {@code pg_stat_statements} loaded.
 */
public final class Postgres {

    private Postgres() {
    }

    /** One server on its own. */
    public static ServerBuilder server() {
        return new ServerBuilder();
    }

    /** A primary with streaming replicas (two unless told otherwise). */
    public static ClusterBuilder cluster() {
        return new ClusterBuilder();
    }

    /** Independent servers that share nothing (two unless told otherwise). */
    public static ShardsBuilder shards() {
        return new ShardsBuilder();
    }

    /** What all builders share: server settings. */
    public abstract static class Builder<SELF extends Builder<SELF>> {

        final Map<String, String> settings = new LinkedHashMap<>();

        /** A {@code postgresql.conf} setting for every server, such as {@code ("work_mem", "64MB")}. */
        public SELF withSetting(String name, String value) {
            settings.put(name, value);
            return self();
        }

        /** Settings written as {@code name=value}. */
        public SELF withSettings(String... pairs) {
            settings.putAll(PostgresConfig.parsePairs(pairs));
            return self();
        }

        PostgresConfig config() {
            return PostgresConfig.withOverrides(settings);
        }

        @SuppressWarnings("unchecked")
        private SELF self() {
            return (SELF) this;
        }
    }

    public static final class ServerBuilder extends Builder<ServerBuilder> {

        private ServerBuilder() {
        }

        /** Starts the server; close the node to stop it. */
        public PostgresNode start() {
            return startTopology().primary();
        }

        PostgresCluster startTopology() {
            return PostgresCluster.start(Backends.current(), new ClusterSpec(0, 0, config()), NodeRole.STANDALONE);
        }
    }

    public static final class ClusterBuilder extends Builder<ClusterBuilder> {

        private int replicas = 2;
        private int synchronousStandbys;
        private SyncMethod syncMethod = SyncMethod.FIRST;

        private ClusterBuilder() {
        }

        public ClusterBuilder withReplicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        /**
         * Makes the first {@code count} replicas synchronous: a commit on the primary returns
         * only once they have the WAL ({@code synchronous_commit} decides how far: flushed, or
         * {@code remote_apply} for visible).
         */
        public ClusterBuilder withSynchronousStandbys(int count) {
            return withSynchronousStandbys(SyncMethod.FIRST, count);
        }

        /**
         * {@code (FIRST, k)}: the first k replicas are synchronous, by priority; {@code (ANY, k)}:
         * a commit waits for any k of all replicas, by quorum ({@code ANY k (...)}).
         */
        public ClusterBuilder withSynchronousStandbys(SyncMethod method, int count) {
            this.syncMethod = java.util.Objects.requireNonNull(method, "method");
            this.synchronousStandbys = count;
            return this;
        }

        public PostgresCluster start() {
            return PostgresCluster.start(Backends.current(),
                    new ClusterSpec(replicas, synchronousStandbys, syncMethod == SyncMethod.ANY, config()), NodeRole.PRIMARY);
        }
    }

    public static final class ShardsBuilder extends Builder<ShardsBuilder> {

        private int count = 2;

        private ShardsBuilder() {
        }

        public ShardsBuilder withCount(int count) {
            this.count = count;
            return this;
        }

        public PostgresShards start() {
            return PostgresShards.start(Backends.current(), count, config());
        }
    }
}
