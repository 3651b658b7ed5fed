package dev.dbkata.testkit.backend;

import java.util.List;

/**
 * Starts real servers, either from binaries shipped in Maven artifacts or in Docker containers.
 * A backend only starts processes and returns once each accepts connections; everything that
 * can be done over SQL (waiting for replicas to stream, resetting data) is done once, above it.
 */
public interface Backend {

    /** {@code embedded} or {@code docker}. */
    String name();

    /**
     * Starts a primary and {@code spec.replicas()} streaming replicas of it, in parallel where it
     * can. Returns the primary first, then {@code replica1}, {@code replica2}, ...
     */
    List<ServerProcess> startCluster(ClusterSpec spec);

    /** Starts {@code count} PostgreSQL servers that share nothing, named {@code prefix + i}, i from 0. */
    List<ServerProcess> startIndependentServers(int count, String prefix, PostgresConfig config);

    /** Starts one Redis server without persistence. */
    ServerProcess startRedis(String name);

    /**
     * How this backend's servers reach a listener of this JVM (a replica's replication link).
     * Embedded servers run beside the JVM and use its loopback.
     */
    default HostRoute routeToThisJvm() {
        return HostRoute.LOOPBACK;
    }
}
