package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.PostgresConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresContainerPlanTest {

    private static final PostgresConfig DEFAULTS = PostgresConfig.withOverrides(Map.of());
    private static final int PRIMARY_PORT = 25_001;
    private static final int REPLICA_PORT = 25_002;
    private static final int STANDALONE_PORT = 25_003;

    @Nested
    @DisplayName("settings")
    class Settings {

        @Test
        @DisplayName("every server gets the kata's settings and listens on all interfaces, on its own port")
        void serverSettings() {
            String settings = PostgresContainerPlan.serverSettings(
                    PostgresConfig.withOverrides(Map.of("work_mem", "64MB")), STANDALONE_PORT);

            assertThat(settings)
                    .contains("work_mem = '64MB'\n")
                    .contains("synchronous_commit = 'on'\n")
                    .contains("shared_preload_libraries = 'pg_stat_statements'\n")
                    .contains("listen_addresses = '*'\n")
                    .doesNotContain("synchronous_standby_names")
                    .endsWith("\nport = 25003\n");
        }

        @Test
        @DisplayName("a port among the overrides cannot move a server off its published port")
        void portOverride() {
            String settings = PostgresContainerPlan.serverSettings(
                    PostgresConfig.withOverrides(Map.of("port", "5432")), STANDALONE_PORT);

            assertThat(lastPortLine(settings)).isEqualTo("port = 25003");
        }

        @Test
        @DisplayName("a value with a single quote is written as postgresql.conf wants it")
        void singleQuoteInValue() {
            String settings = PostgresContainerPlan.serverSettings(
                    PostgresConfig.withOverrides(Map.of("application_name", "o'brien")), STANDALONE_PORT);

            assertThat(settings).contains("application_name = 'o''brien'\n");
        }

        @Test
        @DisplayName("the primary of a cluster with 2 replicas, 1 synchronous, waits for replica1")
        void synchronousPrimary() {
            String script = PostgresContainerPlan.primaryInitScript(
                    PostgresContainerPlan.clusterPrimarySettings(new ClusterSpec(2, 1, DEFAULTS), PRIMARY_PORT));

            assertThat(script).contains("\nsynchronous_standby_names = 'FIRST 1 (replica1)'\n");
        }

        @Test
        @DisplayName("an asynchronous cluster says so explicitly")
        void asynchronousPrimary() {
            String settings = PostgresContainerPlan.clusterPrimarySettings(new ClusterSpec(2, 0, DEFAULTS), PRIMARY_PORT);

            assertThat(settings).contains("\nsynchronous_standby_names = ''\n");
        }

        @Test
        @DisplayName("a replica streams from the primary's port under its own application_name, has no standbys,"
                + " and listens on its own port")
        void replicaSettings() {
            assertThat(PostgresContainerPlan.replicaSettings("replica2", REPLICA_PORT, PRIMARY_PORT)).isEqualTo(
                    "primary_conninfo = 'host=primary port=25001 user=postgres application_name=replica2 connect_timeout=2'\n"
                            + "synchronous_standby_names = ''\n"
                            + "port = 25002\n");
        }
    }

    @Nested
    @DisplayName("the primary's init script")
    class PrimaryInitScript {

        @TempDir
        Path pgdata;

        @Test
        @DisplayName("appends the settings to postgresql.conf and lets replication connections in")
        void text() {
            String script = PostgresContainerPlan.primaryInitScript("work_mem = '64MB'\n");

            assertThat(script)
                    .startsWith("#!/bin/sh\n")
                    .contains("cat >> \"$PGDATA/postgresql.conf\"")
                    .contains("work_mem = '64MB'\n")
                    .contains("echo 'host replication all all trust' >> \"$PGDATA/pg_hba.conf\"");
        }

        @Test
        @DisplayName("refuses settings that would end its settings block early")
        void heredocMarker() {
            assertThatThrownBy(() -> PostgresContainerPlan.primaryInitScript("work_mem = '64MB'\nDBKATA_SETTINGS_END\n"))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("is valid sh")
        void syntax() throws Exception {
            assumeShell();
            String script = PostgresContainerPlan.primaryInitScript(
                    PostgresContainerPlan.clusterPrimarySettings(new ClusterSpec(3, 2, DEFAULTS), PRIMARY_PORT));

            assertThat(Shell.run(List.of("sh", "-n", "-c", script), Map.of()).exitCode()).isZero();
        }

        @Test
        @DisplayName("run, writes the settings verbatim: the shell expands nothing in them")
        void runsAndWritesVerbatim() throws Exception {
            assumeShell();
            Files.writeString(pgdata.resolve("postgresql.conf"), "# from initdb\n");
            Files.writeString(pgdata.resolve("pg_hba.conf"), "host all all all trust\n");
            String settings = PostgresContainerPlan.serverSettings(PostgresConfig.withOverrides(
                    Map.of("application_name", "$HOME `id` o'brien", "work_mem", "64MB")), STANDALONE_PORT);

            Shell.Result result = Shell.run(List.of("sh", "-c", PostgresContainerPlan.primaryInitScript(settings)),
                    Map.of("PGDATA", pgdata.toString()));

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(Files.readString(pgdata.resolve("postgresql.conf"))).isEqualTo("# from initdb\n" + settings);
            assertThat(Files.readString(pgdata.resolve("postgresql.conf")))
                    .contains("application_name = '$HOME `id` o''brien'\n");
            assertThat(Files.readString(pgdata.resolve("pg_hba.conf")))
                    .isEqualTo("host all all all trust\nhost replication all all trust\n");
        }
    }

    /**
     * What {@code inet_server_port()} answers on each node comes from these files, so each must
     * end up with its own port, the replica despite the primary's port line in its copy.
     */
    @Nested
    @DisplayName("every server listens on its own port")
    class OwnPorts {

        @TempDir
        Path work;

        @Test
        @DisplayName("primary, standalone server and replica each end up with their own port line,"
                + " and the replica streams from the primary's port")
        void eachServerItsOwnPort() throws Exception {
            assumeShell();
            Path primaryData = initialisedDataDirectory("primary",
                    PostgresContainerPlan.clusterPrimarySettings(new ClusterSpec(1, 1, DEFAULTS), PRIMARY_PORT));
            Path standaloneData = initialisedDataDirectory("shard0",
                    PostgresContainerPlan.serverSettings(DEFAULTS, STANDALONE_PORT));

            String primaryConf = Files.readString(primaryData.resolve("postgresql.conf"));
            assertThat(lastPortLine(primaryConf)).isEqualTo("port = 25001");
            assertThat(lastPortLine(Files.readString(standaloneData.resolve("postgresql.conf"))))
                    .isEqualTo("port = 25003");

            // The replica's clone copies the primary's postgresql.conf as it is, then appends its own lines.
            String replicaConf = primaryConf + PostgresContainerPlan.replicaSettings("replica1", REPLICA_PORT, PRIMARY_PORT);
            assertThat(replicaConf).startsWith(primaryConf);
            String addedByReplica = replicaConf.substring(primaryConf.length());
            assertThat(addedByReplica).contains("primary_conninfo = 'host=primary port=25001 ");
            assertThat(lastPortLine(addedByReplica)).isEqualTo("port = 25002");
            assertThat(lastPortLine(replicaConf)).as("the last port line, the one PostgreSQL uses")
                    .isEqualTo("port = 25002");
        }

        /** A data directory as the image leaves it after initdb and the init script. */
        private Path initialisedDataDirectory(String node, String settings) throws Exception {
            Path pgdata = Files.createDirectories(work.resolve(node));
            // initdb's own file names the default port, commented out.
            Files.writeString(pgdata.resolve("postgresql.conf"), "#port = 5432\t\t\t\t# (change requires restart)\n");
            Files.writeString(pgdata.resolve("pg_hba.conf"), "");
            Shell.Result result = Shell.run(List.of("sh", "-c", PostgresContainerPlan.primaryInitScript(settings)),
                    Map.of("PGDATA", pgdata.toString()));
            assertThat(result.exitCode()).as(result.output()).isZero();
            return pgdata;
        }
    }

    /** The last line that sets {@code port}, which is the one PostgreSQL goes by; null if none does. */
    private static String lastPortLine(String postgresqlConf) {
        return postgresqlConf.lines()
                .filter(line -> line.matches("port\\s*=.*"))
                .reduce((first, second) -> second)
                .orElse(null);
    }

    private static void writeStub(Path directory, String name, String body) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void assumeShell() {
        assumeThat(Path.of("/bin/sh")).as("a POSIX shell at /bin/sh").isExecutable();
    }

    /** Runs a command with extra environment, for at most 30 s. */
    static final class Shell {

        record Result(int exitCode, String output) {
        }

        static Result run(List<String> command, Map<String, String> environment) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("Still running after 30 s: " + command);
            }
            return new Result(process.exitValue(), output);
        }
    }
}
