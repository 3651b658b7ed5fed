package dev.dbkata.testkit.docker;

import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.PostgresConfig;

/**
 * The text that turns stock {@code postgres} containers into the kata's primaries and replicas:
 * configuration lines and the shell scripts that write them.
 *
 * <p>Everything here is a pure function of the topology, kept apart from the Docker calls so it
 * can be checked (and the scripts run) on machines that have no Docker daemon.
 *
 * <p>Settings always go into {@code postgresql.conf}, never onto the {@code postgres} command
 * line: a command-line setting silently beats {@code ALTER SYSTEM}, and tuning exercises rely on
 * {@code ALTER SYSTEM} working as in production.
 *
 * <p>Every server listens inside its container on the same port it is published on. Tests tell
 * servers apart by {@code inet_server_port()}, which reports the port the server itself listens
 * on; with one port for all containers every server would give the same answer, where the
 * embedded backend's servers give their real ones. The image's entrypoint passes {@code -p} only
 * to the temporary server it runs during initialisation (socket-only, so that port is never
 * seen), and starts the real server without one, so the {@code port} line below is what counts.
 */
final class PostgresContainerPlan {

    /** The name replicas resolve to reach the primary on the topology's network. */
    static final String PRIMARY_ALIAS = ClusterSpec.PRIMARY;

    /**
     * Where the primary's one-off setup script goes. The image runs the files of this folder only
     * when it has just created a fresh cluster, which is exactly when the settings must be written:
     * a restarted container keeps them from its first start.
     */
    static final String INIT_SCRIPT_PATH = "/docker-entrypoint-initdb.d/50-dbkata-settings.sh";

    /**
     * A replica's data directory, where its clone is copied before the container first starts. It
     * lives in the container's own filesystem rather than in the image's volume, so that it
     * survives {@code docker stop}/{@code start} with the container and disappears with it.
     */
    static final String REPLICA_DATA_DIRECTORY = "/tmp/pgdata";

    private static final String HEREDOC_END = "DBKATA_SETTINGS_END";

    private PostgresContainerPlan() {
    }

    /**
     * The lines every containerised server gets: the kata's settings, listening on all
     * interfaces, because inside a container the clients (the host's port forwarder, replicas on
     * the topology network) never arrive on loopback, and on its own port. The port comes last so
     * that no override in {@code config} can move the server off the port it is published on.
     *
     * @param port the server's reserved host port, which it also listens on in its container
     */
    static String serverSettings(PostgresConfig config, int port) {
        return config.asConfigFile() + "listen_addresses = " + PostgresConfig.quote("*") + "\n" + portSetting(port);
    }

    /**
     * The primary's lines: the shared ones plus which standbys a commit waits for. The line is
     * written even when empty, so that an asynchronous cluster says so explicitly, as the embedded
     * backend's primaries do.
     */
    static String clusterPrimarySettings(ClusterSpec spec, int port) {
        return serverSettings(spec.config(), port)
                + "synchronous_standby_names = " + PostgresConfig.quote(spec.synchronousStandbyNames()) + "\n";
    }

    /**
     * The lines a replica adds on top of what it copied from the primary. The copy carries the
     * primary's {@code synchronous_standby_names}, which a standby must not keep (it never has
     * standbys of its own, and a leftover value would make it wait for them once promoted), and
     * the primary's {@code port}, which is not the replica's. Appended after the copy, these lines
     * win, as the last occurrence of a setting does in {@code postgresql.conf}.
     *
     * @param port        the replica's own port
     * @param primaryPort the port the primary listens on, on the topology's network as on the host
     */
    static String replicaSettings(String replicaName, int port, int primaryPort) {
        return "primary_conninfo = "
                + PostgresConfig.quote(ClusterSpec.primaryConninfo(PRIMARY_ALIAS, primaryPort, replicaName)) + "\n"
                + "synchronous_standby_names = ''\n"
                + portSetting(port);
    }

    private static String portSetting(int port) {
        return "port = " + port + "\n";
    }

    /**
     * The script for {@link #INIT_SCRIPT_PATH}. Besides the settings it lets replicas in: the
     * image's {@code POSTGRES_HOST_AUTH_METHOD} line covers {@code all} databases, which in
     * {@code pg_hba.conf} does not include replication connections.
     */
    static String primaryInitScript(String settings) {
        return "#!/bin/sh\n"
                + "# Written by the dbkata testkit. The image runs this once, right after initdb.\n"
                + "set -eu\n"
                + appendBlock("\"$PGDATA/postgresql.conf\"", settings)
                + "echo 'host replication all all trust' >> \"$PGDATA/pg_hba.conf\"\n";
    }

    /**
     * Shell that appends {@code lines} verbatim to {@code target}. The here-document's end
     * marker is quoted, so the shell expands nothing inside it: a value such as {@code $user} or
     * a backquote reaches the file as written.
     */
    private static String appendBlock(String target, String lines) {
        String body = lines.endsWith("\n") ? lines : lines + "\n";
        if (body.lines().anyMatch(HEREDOC_END::equals)) {
            throw new IllegalArgumentException("A settings line reads " + HEREDOC_END + ", which would end the script's"
                    + " settings block early");
        }
        return "cat >> " + target + " <<'" + HEREDOC_END + "'\n" + body + HEREDOC_END + "\n";
    }
}
