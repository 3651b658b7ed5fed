package dev.dbkata.monitoring;

import java.util.Objects;

/**
 * A streaming replica the metrics endpoint watches.
 *
 * @param name    the value of the {@code replica} label, such as {@code replica1}
 * @param jdbcUrl how to reach it
 */
public record ReplicaAddress(String name, String jdbcUrl) {

    public ReplicaAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }
}
