package dev.dbkata.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachedDirectoryTest {

    @TempDir
    Path cache;

    private final AtomicInteger builds = new AtomicInteger();

    private Path obtain() {
        return CachedDirectory.obtain(cache.resolve("thing"), "bin/tool", folder -> {
            builds.incrementAndGet();
            Files.createDirectories(folder.resolve("bin"));
            Files.writeString(folder.resolve("bin/tool"), "#!/bin/sh\n");
        });
    }

    @Test
    void buildsOnceThenReuses() {
        Path first = obtain();
        Path second = obtain();

        assertThat(second).isEqualTo(first);
        assertThat(builds).hasValue(1);
    }

    @Test
    void rebuildsWhatATempCleanerHalfDeleted() throws IOException {
        Files.delete(obtain().resolve("bin/tool"));

        Path again = obtain();

        assertThat(again.resolve("bin/tool")).exists();
        assertThat(builds).hasValue(2);
    }

    @Test
    void aFailedBuildLeavesNothingBehindAndSaysWhere() throws IOException {
        assertThatThrownBy(() -> CachedDirectory.obtain(cache.resolve("broken"), "x", folder -> {
            throw new IOException("disk full");
        })).hasMessageContaining("disk full").hasMessageContaining("-Dkata.cache.dir");

        try (Stream<Path> left = Files.list(cache)) {
            assertThat(left).isEmpty();
        }
    }
}
