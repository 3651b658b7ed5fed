package dev.dbkata.monitoring;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link MetricsEndpoint} watches.
 *
 * @param poolName       the application pool's name: the {@code pool} label of HikariCP's metrics,
 *                       and the pool's {@code application_name} on the server
 * @param primaryJdbcUrl the primary, where the application pool connects
 * @param user           the user for every connection (no password)
 * @param maxPoolSize    the application pool's maximum size
 * @param replicas       the replicas whose lag is exported, possibly none
 * @param clock          the time rates are computed with (transactions per second); tests step it
 */
public record EndpointSettings(String poolName, String primaryJdbcUrl, String user, int maxPoolSize,
        List<ReplicaAddress> replicas, Clock clock) {

    public EndpointSettings {
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(primaryJdbcUrl, "primaryJdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(clock, "clock");
        replicas = List.copyOf(replicas);
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, not " + maxPoolSize);
        }
    }
}
