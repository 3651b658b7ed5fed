package dev.dbkata.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.dbkata.testkit.backend.ServerLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogTest {

    @Test
    void readsWholeLinesAfterTheMarkAndAtMostTheLatestBytes(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("server.log");
        Files.writeString(file, "before the mark\n");
        FileLog log = new FileLog(file);
        ServerLog.Mark mark = log.mark();
        Files.writeString(file, "one\ntwo\nthree\nhalf a li", StandardOpenOption.APPEND);

        assertThat(log.since(mark, 1_000)).isEqualTo("one\ntwo\nthree\n");
        // The last 18 bytes begin inside "two": that line is incomplete, so it is dropped.
        assertThat(log.since(mark, 18)).isEqualTo("three\n");
        assertThat(log.since(mark, 20)).isEqualTo("two\nthree\n");
        assertThat(new FileLog(folder.resolve("missing.log")).since(mark, 100)).isEmpty();
    }
}
