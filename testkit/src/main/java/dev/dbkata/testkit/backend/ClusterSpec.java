package dev.dbkata.testkit.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * What a PostgreSQL primary-with-replicas topology should look like. A topology without
 * replicas is a single server.
 *
 * @param replicas            how many hot-standby streaming replicas follow the primary
 * @param synchronousStandbys how many of them (the first ones) the primary waits for on commit
 * @param config              the settings of every node
 */
public record ClusterSpec(int replicas, int synchronousStandbys, PostgresConfig config) {

    public static final String PRIMARY = "primary";

    public ClusterSpec {
        if (replicas < 0 || replicas > 8) {
            throw new IllegalArgumentException("A cluster has 0 to 8 replicas, not " + replicas);
        }
        if (synchronousStandbys < 0 || synchronousStandbys > replicas) {
            throw new IllegalArgumentException("synchronousStandbys must be between 0 and the number"
                    + " of replicas (" + replicas + "), not " + synchronousStandbys);
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
     * The primary's {@code synchronous_standby_names}, or empty for an asynchronous cluster.
     * {@code FIRST k (...)} makes the commit wait for exactly the listed standbys.
     */
    public String synchronousStandbyNames() {
        if (synchronousStandbys == 0) {
            return "";
        }
        StringJoiner names = new StringJoiner(", ", "FIRST " + synchronousStandbys + " (", ")");
        replicaNames().subList(0, synchronousStandbys).forEach(names::add);
        return names.toString();
    }

    /** The connection string a replica uses to stream from the primary. */
    public static String primaryConninfo(String host, int port, String replicaName) {
        return "host=" + host + " port=" + port + " user=postgres application_name=" + replicaName
                + " connect_timeout=2";
    }
}
