package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.dbkata.testkit.backend.Lazy;

/**
 * A freshly initialised, never started PostgreSQL data directory, made once and copied for every
 * node. A copy of a stopped cluster is a valid base backup, so a replica is simply a copy with
 * {@code standby.signal}: no {@code pg_basebackup} needed (zonky's bundle does not ship it).
 */
final class TemplateDataDirectory {

    /** 1 MB WAL segments instead of 16 MB: every copy of the directory gets that much smaller. */
    static final List<String> INITDB_OPTIONS = List.of("--auth=trust", "--username=postgres", "--encoding=UTF8",
            "--locale=C", "--no-sync", "--wal-segsize=1", "--no-instructions");

    private static final Lazy<Path> TEMPLATE = Lazy.of(TemplateDataDirectory::create);

    private TemplateDataDirectory() {
    }

    static Path path() {
        return TEMPLATE.get();
    }

    private static Path create() {
        String key = PostgresBinaries.shortHash(PostgresBinaries.home() + String.join(" ", INITDB_OPTIONS));
        return CachedDirectory.obtain(KataDirectories.cacheRoot().resolve("template-" + key), "data/PG_VERSION",
                TemplateDataDirectory::initdb).resolve("data");
    }

    private static void initdb(Path folder) throws IOException {
        Path data = folder.resolve("data");
        List<String> command = new ArrayList<>(Platform.unprivilegedPrefix());
        command.add(PostgresBinaries.bin("initdb").toString());
        command.addAll(INITDB_OPTIONS);
        command.add("--pgdata=" + data);
        Path log = folder.resolve("initdb.log");
        Process initdb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!initdb.waitFor(120, TimeUnit.SECONDS)) {
                initdb.destroyForcibly();
                throw new IOException("initdb did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            initdb.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while initdb ran", e);
        }
        if (initdb.exitValue() != 0) {
            throw new IOException("initdb failed (exit " + initdb.exitValue() + "):\n" + Files.readString(log));
        }
    }
}
