package dev.dbkata.testkit;

import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.PostgresConfig;

/** For the start-up benchmark: clusters without links, the baseline that links are measured against. */
public final class LinklessClusters {

    private LinklessClusters() {
    }

    public static PostgresCluster start(int replicas) {
        return PostgresCluster.start(Backends.current(),
                new ClusterSpec(replicas, 0, PostgresConfig.withOverrides(java.util.Map.of())), NodeRole.PRIMARY, false);
    }
}
