package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the graded {@code src/main} may hold before anything is copied: a real folder inside the
 * graded tree (not a link to the reference solution next door), and resources that are data, not
 * compiled classes or JUnit configuration that would skip the fair-play check or change how the
 * tests run.
 */
final class SubmittedFiles {

    private SubmittedFiles() {
    }

    /** Why this {@code src/main} cannot be graded, if it cannot. */
    static Optional<String> problemWith(Path mainSources, Path treeRoot) {
        if (!Files.isDirectory(mainSources.resolve("java"), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("no code to grade: " + mainSources.resolve("java") + " is not a folder");
        }
        try {
            Path expected = treeRoot.toRealPath().resolve(treeRoot.relativize(mainSources.resolve("java")).toString());
            if (!mainSources.resolve("java").toRealPath().equals(expected)) {
                return Optional.of("fair play: rule no-links broken: " + mainSources + " leads out of "
                        + treeRoot + " through a symbolic link; only the submission's own files are graded");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path file : files(mainSources.resolve("resources"))) {
            String name = mainSources.resolve("resources").relativize(file).toString().replace('\\', '/');
            if (name.endsWith(".class") || name.startsWith("META-INF/services/") || name.startsWith("junit-platform")) {
                return Optional.of("fair play: rule resources-are-data broken: src/main/resources/" + name
                        + " (compiled classes and JUnit configuration are not accepted as resources)");
            }
        }
        return Optional.empty();
    }

    private static List<Path> files(Path folder) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
