package dev.dbkata.grader;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A copy of the small kata under {@code src/test/resources/fixture-kata}, in a folder of its own,
 * with the classpath files that a Maven build would have written: the grader's own test
 * classpath (JUnit, the testkit's annotations).
 */
final class FixtureKata {

    private FixtureKata() {
    }

    static KataRepository copyTo(Path folder) {
        FileCopies.copyTree(resource("fixture-kata"), folder);
        try (Stream<Path> modules = Stream.concat(Files.list(folder.resolve("exercises")), Files.list(folder.resolve("solutions")))) {
            modules.forEach(FixtureKata::writeClasspath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KataRepository(folder);
    }

    /** The classpath file a module's build would write: the grader's own test classpath (JUnit, the testkit). */
    static void writeClasspath(Path module) {
        String classpath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("grader" + File.separator + "target"))
                .collect(Collectors.joining(File.pathSeparator));
        try {
            Path file = module.resolve("target/kata/test-classpath.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, classpath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(FixtureKata.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file under {@code root} with a digest of its bytes: equal maps mean an untouched tree. */
    static Map<String, String> fingerprint(Path root) {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                digests.put(root.relativize(file).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file))));
            }
            try (Stream<Path> all = Files.walk(root)) {
                digests.put("(entries)", Long.toString(all.count()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return digests;
    }

    static List<String> ids(ExerciseResult result) {
        return result.tasks().stream().map(t -> t.task().id()).toList();
    }
}
