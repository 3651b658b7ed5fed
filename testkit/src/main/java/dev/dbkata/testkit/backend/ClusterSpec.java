package dev.dbkata.testkit.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * What a PostgreSQL primary-with-replicas topology should look like. A topology without
 * replicas is a single server.
 *
 * @param replicas            how many hot-standby streaming replicas follow the primary
 * @param synchronousStandbys how many of them the primary waits for on commit
 * @param quorum              false: the first {@code synchronousStandbys} replicas, by priority
 *                            ({@code FIRST k (...)}); true: any {@code synchronousStandbys} of all
 *                            replicas ({@code ANY k (...)})
 * @param config              the settings of every node
 */
public record ClusterSpec(int replicas, int synchronousStandbys, boolean quorum, PostgresConfig config) {

    public static final String PRIMARY = "primary";
    private static final String NAMES_SETTING = "synchronous_standby_names";

    /** Synchronous standbys by priority, if any. */
    public ClusterSpec(int replicas, int synchronousStandbys, PostgresConfig config) {
        this(replicas, synchronousStandbys, false, config);
    }

    public ClusterSpec {
        if (replicas < 0 || replicas > 8) {
            throw new IllegalArgumentException("A cluster has 0 to 8 replicas, not " + replicas);
        }
        if (synchronousStandbys < 0 || synchronousStandbys > replicas) {
            throw new IllegalArgumentException("synchronousStandbys must be between 0 and the number"
                    + " of replicas (" + replicas + "), not " + synchronousStandbys);
        }
        if (synchronousStandbys > 0 && config.isOverridden(NAMES_SETTING)) {
            throw new IllegalArgumentException("Synchronous standbys are declared twice: as synchronousStandbys = "
                    + synchronousStandbys + " and as the setting " + NAMES_SETTING + " = '"
                    + config.settings().get(NAMES_SETTING) + "'. Keep one.");
        }
    }

    /** Replica names, {@code replica1} first; they are also their {@code application_name}s. */
    public List<String> replicaNames() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= replicas; i++) {
            names.add("replica" + i);
        }
        return names;
    }

    /**
     * The primary's {@code synchronous_standby_names}: the topology's own setting if it declared
     * one, otherwise empty for an asynchronous cluster. {@code FIRST k (...)} lists the first k
     * replicas, so a commit waits for exactly those; {@code ANY k (...)} lists every replica, so a
     * commit waits for whichever k answer first.
     */
    public String synchronousStandbyNames() {
        if (synchronousStandbys == 0) {
            return config.isOverridden(NAMES_SETTING) ? config.settings().get(NAMES_SETTING) : "";
        }
        StringJoiner names = new StringJoiner(", ", (quorum ? "ANY " : "FIRST ") + synchronousStandbys + " (", ")");
        synchronousCandidates().forEach(names::add);
        return names.toString();
    }

    /** The replicas named in {@link #synchronousStandbyNames()}, when the topology wrote it. */
    public List<String> synchronousCandidates() {
        if (synchronousStandbys == 0) {
            return List.of();
        }
        return quorum ? replicaNames() : replicaNames().subList(0, synchronousStandbys);
    }

    /** The connection string a replica uses to stream from the primary. */
    public static String primaryConninfo(String host, int port, String replicaName) {
        return "host=" + host + " port=" + port + " user=postgres application_name=" + replicaName
                + " connect_timeout=2";
    }
}
