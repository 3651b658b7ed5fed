package dev.dbkata.testkit.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.testcontainers.DockerClientFactory;

/**
 * A replica's data directory, cloned from a running primary container the way the embedded
 * backend's notes describe a hot copy: {@code pg_backup_start} on a connection held open, a copy
 * of the primary's data directory (through the Docker API's archive download), then
 * {@code pg_backup_stop}, whose label is written byte for byte as {@code backup_label}. The copy
 * then gets {@code standby.signal} and the replica's settings, and goes into the replica's
 * container before it first starts.
 *
 * <p>This needs nothing in the image but PostgreSQL itself: no {@code pg_basebackup} (which the
 * zonky bundle lacks, and which must match the server's major version), no shell tools. The
 * primary's WAL written since the backup began is streamed by the replica once it starts; the
 * replicas start right after their copies, long before a checkpoint could recycle that WAL.
 */
final class ReplicaClone {

    /** What a base backup leaves out, as {@code pg_basebackup} does: files of the running server, and WAL. */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map", "standby.signal", "recovery.signal", "pg_internal.init");
    /** Folders copied empty. */
    private static final Set<String> EMPTIED_FOLDERS = Set.of("pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem",
            "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");

    private ReplicaClone() {
    }

    /**
     * Copies the primary's data directory into a new folder under {@code staging} and makes it a
     * standby's.
     *
     * @param primaryContainer the primary's container id
     * @param primaryPort      where the primary answers on this machine
     * @param settings         lines appended to the copy's {@code postgresql.conf}
     * @return the data directory, ready to be copied into the replica's container
     */
    static Path clone(String label, String primaryContainer, int primaryPort, String settings, Path staging) {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", dev.dbkata.testkit.backend.PostgresConfig.TESTKIT_APPLICATION);
        Path data = staging.resolve("pgdata");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + LoopbackPorts.LOOPBACK + ":" + primaryPort
                + "/postgres", props); Statement st = c.createStatement()) {
            String dataDirectory = single(st, "SHOW data_directory");
            single(st, "SELECT pg_backup_start(" + literal(label) + ", true)::text");
            try (InputStream archive = DockerClientFactory.instance().client()
                    .copyArchiveFromContainerCmd(primaryContainer, dataDirectory).exec()) {
                extract(archive, data);
            }
            String backupLabel = single(st, "SELECT labelfile FROM pg_backup_stop(false)");
            Files.writeString(data.resolve("backup_label"), backupLabel, StandardCharsets.UTF_8);
            Files.createFile(data.resolve("standby.signal"));
            Files.writeString(data.resolve("postgresql.conf"), settings.endsWith("\n") ? settings : settings + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            return data;
        } catch (SQLException e) {
            throw new IllegalStateException("could not clone the primary for " + label + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the primary's data directory for " + label, e);
        }
    }

    /**
     * Writes the archive's entries below {@code target}, dropping the archive's top folder (the
     * data directory's own name) and what {@link #SKIPPED_FILES} and {@link #EMPTIED_FOLDERS} name.
     */
    private static void extract(InputStream archive, Path target) throws IOException {
        Files.createDirectories(target);
        TarArchiveInputStream tar = new TarArchiveInputStream(archive);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            String name = entry.getName();
            int slash = name.indexOf('/');
            String relative = slash < 0 ? "" : name.substring(slash + 1);
            if (relative.endsWith("/")) {
                relative = relative.substring(0, relative.length() - 1);
            }
            if (relative.isEmpty() || skipped(relative)) {
                continue;
            }
            Path out = target.resolve(relative).normalize();
            if (!out.startsWith(target)) {
                throw new IOException("archive entry escapes the data directory: " + name);
            }
            if (entry.isDirectory()) {
                Files.createDirectories(out);
            } else if (entry.isFile()) {
                Files.createDirectories(out.getParent());
                Files.copy(tar, out);
            } else {
                continue;
            }
            Files.setPosixFilePermissions(out, permissions(entry.getMode()));
        }
    }

    static boolean skipped(String relative) {
        int slash = relative.indexOf('/');
        String first = slash < 0 ? relative : relative.substring(0, slash);
        if (slash >= 0 && EMPTIED_FOLDERS.contains(first)) {
            // pg_wal/archive_status must exist for the standby to start.
            return !relative.equals("pg_wal/archive_status");
        }
        String file = relative.substring(relative.lastIndexOf('/') + 1);
        return SKIPPED_FILES.contains(file) || file.startsWith("pgsql_tmp");
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
