package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code kata export-learner DIR}: the repository a bootcamp hands its learners. Everything of
 * this checkout (its git-tracked files, or every file but build output when it is no git
 * checkout) except what only mentors and maintainers need: {@code solutions/} (the reference code,
 * SOLUTION.md with the mentors' notes, the mistake patches), {@code quality/} (checks that read
 * the solutions), {@code .ci/} (the maintainers' CI, which verifies the solutions) and this
 * checkout's own {@code .kata/} (a learner's backups, if any). The root
 * pom loses those modules, so the export builds on its own. The skeletons are also kept under
 * {@code .kata/skeleton/} for {@code kata reset}. The export's exercises stay gradable by the
 * canonical copy: {@code kata grade --submission DIR} there.
 */
final class ExportLearner {

    /** Path prefixes (with '/') that stay behind. */
    static final List<String> LEFT_OUT = List.of("solutions/", "quality/", ".ci/", ".kata/");

    private final KataRepository repository;

    ExportLearner(KataRepository repository) {
        this.repository = repository;
    }

    /** Writes the export; returns how many files it holds. */
    int export(Path target) {
        Path into = target.toAbsolutePath().normalize();
        if (into.startsWith(repository.root())) {
            throw new GradingException("export-learner " + target + ": choose a folder outside the kata repository");
        }
        try {
            if (Files.exists(into) && (!Files.isDirectory(into) || hasEntries(into))) {
                throw new GradingException("export-learner " + target + " exists and is not empty: choose a new folder");
            }
            int count = 0;
            for (String file : files()) {
                if (LEFT_OUT.stream().anyMatch(file::startsWith) || file.contains("/target/") || file.startsWith("target/")) {
                    continue;
                }
                Path from = repository.root().resolve(file);
                if (!Files.isRegularFile(from)) {
                    continue; // deleted in the working tree, or a link
                }
                Path to = into.resolve(file);
                Files.createDirectories(to.getParent());
                if ("pom.xml".equals(file)) {
                    Files.writeString(to, withoutLeftOutModules(Files.readString(from)));
                } else {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
                count++;
            }
            for (String exercise : repository.exercises()) {
                Path main = repository.exercise(exercise).resolve("src/main");
                if (Files.isDirectory(main)) {
                    FileCopies.copyTree(main, into.resolve(".kata/skeleton").resolve(exercise).resolve("src/main"));
                }
            }
            Files.writeString(into.resolve(".kata/README.md"), """
                    # .kata

                    `skeleton/` holds each exercise's starting code as the bootcamp handed it out:
                    `./kata reset EXERCISE [TASK]` copies it back. Keep this folder in the repository.
                    """, StandardCharsets.UTF_8);
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("could not export to " + target, e);
        }
    }

    static String withoutLeftOutModules(String pom) {
        return pom.replaceAll("(?m)^\\s*<module>(solutions|quality/[^<]*)</module>\\s*\\R", "")
                .replaceAll("(?m)^\\s*<!-- Last: they read what the modules above produced. -->\\s*\\R", "");
    }

    private static boolean hasEntries(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isPresent();
        }
    }

    /** The checkout's files, relative and with '/': git's list when it is a git checkout. */
    private List<String> files() throws IOException {
        List<String> tracked = gitFiles();
        if (tracked != null) {
            return tracked;
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(repository.root())) {
            walk.filter(Files::isRegularFile).map(p -> repository.root().relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(".git/") && !p.startsWith(".idea/") && !p.startsWith(".mvn/maven.config"))
                    .forEach(files::add);
        }
        return files;
    }

    /** Tracked files plus new ones git does not ignore; null when this is no git checkout or git is missing. */
    private List<String> gitFiles() {
        if (!Files.exists(repository.root().resolve(".git"))) {
            return null;
        }
        try {
            Path list = Files.createTempFile("kata-export-", ".txt");
            try {
                Process git = new ProcessBuilder("git", "-C", repository.root().toString(), "ls-files", "-z", "--cached",
                        "--others", "--exclude-standard").redirectErrorStream(false).redirectOutput(list.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
                    git.destroyForcibly();
                    return null;
                }
                return Stream.of(Files.readString(list).split("\0")).filter(s -> !s.isEmpty()).distinct().toList();
            } finally {
                Files.deleteIfExists(list);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradingException("interrupted while listing the files to export", e);
        }
    }
}
