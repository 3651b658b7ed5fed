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

    @Nested
    @DisplayName("the replica's script")
    class ReplicaScript {

        @TempDir
        Path work;

        private Path stubs;
        private Path calls;
        private Path data;

        @BeforeEach
        void stubCommands() throws IOException {
            assumeShell();
            stubs = Files.createDirectories(work.resolve("bin"));
            calls = Files.createDirectories(work.resolve("calls"));
            // A space and a quote in the path prove the script quotes it.
            data = work.resolve("pg data's");
            // Stands in for pg_basebackup: fails the first $FAIL_TIMES calls, then writes a
            // minimal data directory (with the primary's settings, port included, as the real copy has).
            stub("pg_basebackup", ""
                    + "echo \"$*\" >> \"$CALLS/pg_basebackup\"\n"
                    + "if [ $(($(wc -l < \"$CALLS/pg_basebackup\"))) -le \"${FAIL_TIMES:-0}\" ]; then\n"
                    + "  echo 'pg_basebackup: error: could not translate host name \"primary\"' >&2; exit 1\n"
                    + "fi\n"
                    + "while [ $# -gt 0 ]; do if [ \"$1\" = -D ]; then target=$2; fi; shift; done\n"
                    + "mkdir \"$target\"\n"
                    + "echo 17 > \"$target/PG_VERSION\"\n"
                    + "printf \"synchronous_standby_names = 'FIRST 1 (replica1)'\\nport = " + PRIMARY_PORT + "\\n\""
                    + " > \"$target/postgresql.conf\"\n");
            stub("postgres", "echo \"$*\" >> \"$CALLS/postgres\"\n");
            stub("sleep", "echo \"$*\" >> \"$CALLS/sleep\"\n");
        }

        private void stub(String name, String body) throws IOException {
            writeStub(stubs, name, body);
        }

        private Shell.Result run(int failTimes) throws Exception {
            String script = PostgresContainerPlan.replicaScript("replica2", REPLICA_PORT, PRIMARY_PORT, data.toString());
            return Shell.run(List.of("sh", "-c", script), Map.of(
                    "PATH", stubs + ":/usr/bin:/bin",
                    "CALLS", calls.toString(),
                    "FAIL_TIMES", Integer.toString(failTimes)));
        }

        private List<String> callsOf(String command) throws IOException {
            Path log = calls.resolve(command);
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        }

        @Test
        @DisplayName("is valid sh")
        void syntax() throws Exception {
            assertThat(Shell.run(List.of("sh", "-n", "-c", PostgresContainerPlan.replicaCommand("replica1", REPLICA_PORT, PRIMARY_PORT)[2]),
                    Map.of()).exitCode()).isZero();
        }

        @Test
        @DisplayName("clones the primary once, configures a standby, then runs PostgreSQL on the clone")
        void firstStart() throws Exception {
            Shell.Result result = run(0);

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(callsOf("pg_basebackup")).containsExactly(
                    "-h primary -p 25001 -U postgres -D " + data + ".partial -X stream --checkpoint=fast");
            assertThat(data.resolve("standby.signal")).exists();
            assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            // Appended after what was copied from the primary, so that these lines win.
            assertThat(Files.readString(data.resolve("postgresql.conf"))).isEqualTo(
                    "synchronous_standby_names = 'FIRST 1 (replica1)'\n"
                            + "port = 25001\n"
                            + "primary_conninfo = 'host=primary port=25001 user=postgres application_name=replica2 connect_timeout=2'\n"
                            + "synchronous_standby_names = ''\n"
                            + "port = 25002\n");
            assertThat(Path.of(data + ".partial")).doesNotExist();
            assertThat(callsOf("postgres")).containsExactly("-D " + data);
        }

        @Test
        @DisplayName("run again on the same filesystem (a restarted container), only starts PostgreSQL")
        void restart() throws Exception {
            run(0);
            String configAfterFirstStart = Files.readString(data.resolve("postgresql.conf"));

            Shell.Result again = run(0);

            assertThat(again.exitCode()).as(again.output()).isZero();
            assertThat(callsOf("pg_basebackup")).hasSize(1);
            assertThat(Files.readString(data.resolve("postgresql.conf"))).isEqualTo(configAfterFirstStart);
            assertThat(callsOf("postgres")).containsExactly("-D " + data, "-D " + data);
        }

        @Test
        @DisplayName("a clone interrupted half-way is thrown away and taken again")
        void interruptedClone() throws Exception {
            Path staging = Files.createDirectories(Path.of(data + ".partial"));
            Files.writeString(staging.resolve("PG_VERSION"), "17\n");
            Files.writeString(staging.resolve("half-copied"), "");

            Shell.Result result = run(0);

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(callsOf("pg_basebackup")).hasSize(1);
            assertThat(data.resolve("half-copied")).doesNotExist();
            assertThat(data.resolve("standby.signal")).exists();
        }

        @Test
        @DisplayName("retries while the primary does not answer yet")
        void retries() throws Exception {
            Shell.Result result = run(2);

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(callsOf("pg_basebackup")).hasSize(3);
            assertThat(callsOf("sleep")).containsExactly("1", "1");
            assertThat(data.resolve("standby.signal")).exists();
        }

        @Test
        @DisplayName("gives up after a bounded number of attempts, without starting PostgreSQL")
        void givesUp() throws Exception {
            Shell.Result result = run(Integer.MAX_VALUE);

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output()).contains("giving up");
            assertThat(callsOf("pg_basebackup")).hasSize(PostgresContainerPlan.BASE_BACKUP_ATTEMPTS);
            assertThat(callsOf("postgres")).isEmpty();
            assertThat(data).doesNotExist();
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
                + " and the replica clones from the primary's port")
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

            // The replica's pg_basebackup copies the primary's postgresql.conf as it is.
            Path stubs = Files.createDirectories(work.resolve("bin"));
            Path calls = work.resolve("pg_basebackup.calls");
            writeStub(stubs, "pg_basebackup", ""
                    + "echo \"$*\" >> \"$CALLS\"\n"
                    + "while [ $# -gt 0 ]; do if [ \"$1\" = -D ]; then target=$2; fi; shift; done\n"
                    + "mkdir \"$target\"\n"
                    + "echo 17 > \"$target/PG_VERSION\"\n"
                    + "cp \"$PRIMARY_DATA/postgresql.conf\" \"$target/postgresql.conf\"\n");
            writeStub(stubs, "postgres", "");
            Path replicaData = work.resolve("replica1");
            Shell.Result result = Shell.run(List.of("sh", "-c",
                    PostgresContainerPlan.replicaScript("replica1", REPLICA_PORT, PRIMARY_PORT, replicaData.toString())),
                    Map.of("PATH", stubs + ":/usr/bin:/bin", "CALLS", calls.toString(),
                            "PRIMARY_DATA", primaryData.toString()));

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(Files.readString(calls)).startsWith("-h primary -p 25001 ");
            String replicaConf = Files.readString(replicaData.resolve("postgresql.conf"));
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

    @Test
    @DisplayName("a replica container's command is its script, run by sh, on /tmp/pgdata")
    void replicaCommand() {
        String[] command = PostgresContainerPlan.replicaCommand("replica1", REPLICA_PORT, PRIMARY_PORT);

        assertThat(command).hasSize(3);
        assertThat(command[0]).isEqualTo("sh");
        assertThat(command[1]).isEqualTo("-c");
        assertThat(command[2])
                .contains("data='/tmp/pgdata'\n")
                .contains("if [ ! -f \"$data/PG_VERSION\" ]; then")
                .contains("application_name=replica1")
                .contains("pg_basebackup -h primary -p 25001 ")
                .endsWith("exec postgres -D \"$data\"\n");
    }

    @Test
    @DisplayName("shell quoting survives single quotes")
    void shellQuote() {
        assertThat(PostgresContainerPlan.shellQuote("it's")).isEqualTo("'it'\\''s'");
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
