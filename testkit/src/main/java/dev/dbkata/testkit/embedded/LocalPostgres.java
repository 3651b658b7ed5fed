package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.dbkata.testkit.backend.FileTrees;
import dev.dbkata.testkit.backend.PortReservation;

/**
 * A PostgreSQL server run from the unpacked binaries, in the foreground as a child of this JVM,
 * so that its pid is known (for freezing) and it is never daemonised out of reach.
 */
final class LocalPostgres extends LocalServer {

    private final Path dataDirectory;

    LocalPostgres(String name, Path folder, PortReservation port) {
        super(name, folder, port);
        this.dataDirectory = folder.resolve("data");
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    /** Fills the data directory with a copy of the template. */
    void initialiseFromTemplate() {
        FileTrees.copy(TemplateDataDirectory.path(), dataDirectory);
    }

    /** Copies another node's stopped data directory: a cold base backup. */
    void initialiseFrom(LocalPostgres stoppedPrimary) {
        FileTrees.copy(stoppedPrimary.dataDirectory, dataDirectory);
    }

    /** Appends lines to {@code postgresql.conf}; for a repeated setting, the last line wins. */
    void appendConfig(String lines) {
        write("postgresql.conf", lines, StandardOpenOption.APPEND);
    }

    void write(String file, String content, StandardOpenOption... options) {
        try {
            Files.writeString(dataDirectory.resolve(file), content, options.length == 0
                    ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE}
                    : options);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + " of " + name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    List<String> command() {
        List<String> command = new ArrayList<>(Platform.unprivilegedPrefix());
        command.add(PostgresBinaries.bin("postgres").toString());
        command.add("-D");
        command.add(dataDirectory.toString());
        return command;
    }

    @Override
    protected boolean answers() {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "5");
        props.setProperty("ApplicationName", dev.dbkata.testkit.backend.PostgresConfig.TESTKIT_APPLICATION);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", props)) {
            return c.isValid(2);
        } catch (SQLException notYet) {
            return false;
        }
    }

    @Override
    String crashSignal() {
        // Immediate shutdown: the postmaster quits its children at once and skips the checkpoint,
        // so the next start runs crash recovery, as after a power cut.
        return "QUIT";
    }

    @Override
    String stopSignal() {
        // Fast shutdown: rolls back open transactions, checkpoints, exits.
        return "INT";
    }
}
