package dev.dbkata.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.dbkata.testkit.TestThreads;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh machine does once: unpack the binaries and run {@code initdb} into an empty cache.
 * Two JVMs that do it at the same moment must both succeed and leave one copy, no half-built one.
 */
@ExtendWith(TestThreads.Extension.class)
class ColdCacheTest {

    @TempDir
    Path cache;

    @Test
    @DisplayName("two JVMs starting on an empty cache both get servers, and the cache ends up whole")
    void coldCacheIsBuiltOnceEvenUnderARace(TestThreads threads) throws Exception {
        List<String> command = ChildJvm.command(ColdStart.class, "kata.cache.dir=" + cache);
        CompletableFuture<String> first = run(threads, command);
        CompletableFuture<String> second = run(threads, command);

        assertThat(first.get(120, TimeUnit.SECONDS)).contains("STARTED postgres 17.");
        assertThat(second.get(120, TimeUnit.SECONDS)).contains("STARTED postgres 17.").contains("redis PONG");
        try (Stream<Path> entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("one binaries folder, one template, one redis, and no half-built leftovers")
                    .hasSize(3)
                    .anyMatch(name -> name.startsWith("postgres-"))
                    .anyMatch(name -> name.startsWith("template-"))
                    .anyMatch(name -> name.startsWith("redis-"))
                    .noneMatch(name -> name.contains(".building-"));
        }
        try (Stream<Path> templates = Files.list(cache).filter(p -> p.getFileName().toString().startsWith("template-"))) {
            Path template = templates.findFirst().orElseThrow();
            assertThat(Files.readString(template.resolve("data/PG_VERSION")).trim()).isEqualTo("17");
        }
    }

    private static CompletableFuture<String> run(TestThreads threads, List<String> command) {
        return threads.supply(() -> {
            try {
                Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return jvm.waitFor() == 0 ? output : "exit " + jvm.exitValue() + ":\n" + output;
            } catch (Exception e) {
                return e.toString();
            }
        });
    }
}
