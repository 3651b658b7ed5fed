package dev.dbkata.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a learner's exercise for {@code kata test} and {@code kata watch}, in place and only
 * what changed: the learner's code (with the ready-made classes) when a file of it changed, the
 * canonical tests only when the tests or what they compile against (the code's {@link ClassAbi})
 * changed. Everything lives in the exercise's {@code target/kata/loop}, with a stamp of what it was
 * built from; the grader's fair-play rules are checked once per change of the code, when its tests
 * pass ({@link #fairPlay}).
 */
final class LearnerBuild {

    /**
     * What the tests run with, or why they cannot run.
     *
     * @param problem  why the tests cannot run (a compile error, a fair-play rule), or null
     * @param warning  something the learner should know although the tests run, or null
     * @param compiled what was compiled this time ({@code code}, {@code tests}), for {@code -v}
     */
    record Built(Path classes, Path testClasses, List<Path> dependencies, String problem, String warning,
            List<String> compiled, long millis) {
    }

    private static final String STAMP_VERSION = "1";

    private final KataRepository repository;
    private final SourceCompiler compiler;

    LearnerBuild(KataRepository repository, SourceCompiler compiler) {
        this.repository = repository;
        this.compiler = compiler;
    }

    /**
     * @param taskClasses the test classes of the task to run; when every test does not compile
     *                    against the code, only these (and what they use) are compiled. Empty:
     *                    the whole exercise.
     */
    Built build(TaskCatalog catalog, List<String> taskClasses) {
        long start = System.nanoTime();
        String id = catalog.exercise().id();
        Path exercise = repository.exercise(id);
        Path folder = exercise.resolve("target/kata/loop");
        List<Path> dependencies = repository.dependencies(exercise);
        Optional<String> submitted = SubmittedFiles.problemWith(exercise.resolve("src/main"),
                repository.root().resolve("exercises"));
        if (submitted.isPresent()) {
            return new Built(null, null, dependencies, submitted.get(), null, List.of(), millisSince(start));
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + folder, e);
        }
        // Two loops on one exercise (a watch and a test) must not build into each other's folders.
        try (FileChannel channel = FileChannel.open(folder.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            return buildLocked(catalog, taskClasses, exercise, folder, dependencies, start);
        } catch (IOException e) {
            throw new UncheckedIOException("could not lock " + folder.resolve("lock"), e);
        }
    }

    private Built buildLocked(TaskCatalog catalog, List<String> taskClasses, Path exercise, Path folder,
            List<Path> dependencies, long start) throws IOException {
        Properties stamp = readStamp(folder.resolve("stamp.properties"));
        Path classes = folder.resolve("classes");
        Path testClasses = folder.resolve("test-classes");
        List<String> compiled = new ArrayList<>();
        String classpathText = String.join(java.io.File.pathSeparator, dependencies.stream().map(Path::toString).toList());
        // A rebuilt testkit or library (a maintainer's change) recompiles everything, as Maven would.
        StringBuilder environment = new StringBuilder(STAMP_VERSION + " " + Runtime.version().feature() + " " + classpathText);
        for (Path dependency : dependencies) {
            environment.append(' ').append(dependency.toFile().lastModified());
        }

        String codeFingerprint = fingerprint(environment.toString(), exercise.resolve("src/main"), exercise.resolve("src/given"));
        Map<String, String> sources = null;
        if (!codeFingerprint.equals(stamp.getProperty("code")) && Files.isDirectory(classes)
                && changedBodiesOnly(exercise, folder, classes, dependencies, stamp, sources = sourceDigests(exercise))) {
            compiled.add("code");
            stamp.setProperty("code", codeFingerprint);
            remember(stamp, sources);
            stamp.remove("fairPlay");
            writeStamp(folder.resolve("stamp.properties"), stamp);
        }
        if (!codeFingerprint.equals(stamp.getProperty("code")) || !Files.isDirectory(classes)) {
            Path fresh = folder.resolve("classes.new");
            FileCopies.deleteTree(fresh);
            Optional<String> error = compiler.compile(List.of(exercise.resolve("src/main/java"),
                    exercise.resolve("src/given/java")), dependencies, fresh, exercise);
            if (error.isPresent()) {
                FileCopies.deleteTree(fresh);
                return new Built(null, null, dependencies, "compile error: " + error.get(), null, List.of("code"),
                        millisSince(start));
            }
            FileCopies.copyTree(exercise.resolve("src/main/resources"), fresh);
            FileCopies.copyTree(exercise.resolve("src/given/resources"), fresh);
            replace(classes, fresh);
            compiled.add("code");
            stamp.setProperty("code", codeFingerprint);
            remember(stamp, sources != null ? sources : sourceDigests(exercise));
            stamp.setProperty("abi", ClassAbi.of(classes));
            stamp.remove("fairPlay");
            writeStamp(folder.resolve("stamp.properties"), stamp);
        }

        String testFingerprint = fingerprint(environment + " " + stamp.getProperty("abi"), exercise.resolve("src/test"));
        if (testFingerprint.equals(stamp.getProperty("tests")) && Files.isDirectory(testClasses)) {
            return new Built(classes, testClasses, dependencies, null, null, compiled, millisSince(start));
        }
        List<Path> withCode = new ArrayList<>(dependencies);
        withCode.add(classes);
        Path fresh = folder.resolve("test-classes.new");
        FileCopies.deleteTree(fresh);
        Optional<String> error = compiler.compile(List.of(exercise.resolve("src/test/java")), withCode, fresh, exercise);
        compiled.add("tests");
        if (error.isEmpty()) {
            FileCopies.copyTree(exercise.resolve("src/test/resources"), fresh);
            replace(testClasses, fresh);
            stamp.setProperty("tests", testFingerprint);
            writeStamp(folder.resolve("stamp.properties"), stamp);
            return new Built(classes, testClasses, dependencies, null, null, compiled, millisSince(start));
        }
        String problem = "compile error: the tests do not compile against your code: " + error.get();
        if (taskClasses.isEmpty()) {
            FileCopies.deleteTree(fresh);
            return new Built(classes, null, dependencies, problem, null, compiled, millisSince(start));
        }
        // The other tasks' tests do not compile: this task's may still, as when grading one task.
        Path taskOnly = folder.resolve("task-test-classes");
        FileCopies.deleteTree(fresh);
        FileCopies.deleteTree(taskOnly);
        Path testSources = exercise.resolve("src/test/java");
        Optional<String> taskError = compiler.compileUsing(taskClasses.stream()
                .map(c -> testSources.resolve(c.replace('.', '/') + ".java")).toList(), testSources, withCode, taskOnly,
                exercise);
        if (taskError.isPresent()) {
            return new Built(classes, null, dependencies,
                    "compile error: the tests do not compile against your code: " + taskError.get(), null, compiled,
                    millisSince(start));
        }
        FileCopies.copyTree(exercise.resolve("src/test/resources"), taskOnly);
        return new Built(classes, taskOnly, dependencies, null,
                "the other tasks' tests do not compile against your code (" + error.get()
                        + "); ./kata grade will score them 0",
                compiled, millisSince(start));
    }

    /**
     * Compiles only the changed source files, against the classes compiled before, and keeps the
     * result when every class they make has the ABI it had (a method body changed, say): the
     * other classes need not be compiled again, nor the tests. False, having changed nothing, when
     * that does not hold (a file added or deleted, a signature changed, a compile error, a
     * resource changed): then everything is compiled.
     */
    private boolean changedBodiesOnly(Path exercise, Path folder, Path classes, List<Path> dependencies,
            Properties stamp, Map<String, String> sources) throws IOException {
        Map<String, String> before = new TreeMap<>();
        stamp.stringPropertyNames().stream().filter(k -> k.startsWith(SOURCE)).forEach(k -> before.put(
                k.substring(SOURCE.length()), stamp.getProperty(k)));
        if (!before.keySet().equals(sources.keySet())) {
            return false;
        }
        List<String> changed = sources.keySet().stream().filter(f -> !sources.get(f).equals(before.get(f))).toList();
        if (changed.isEmpty() || !changed.stream().allMatch(f -> f.startsWith("src/main/java/") && f.endsWith(".java"))) {
            return false;
        }
        Set<String> changedSources = changed.stream().map(f -> f.substring("src/main/java/".length())).collect(
                java.util.stream.Collectors.toSet());
        Path partial = folder.resolve("classes.partial");
        FileCopies.deleteTree(partial);
        List<Path> withCode = new ArrayList<>(dependencies);
        withCode.add(classes);
        try {
            if (compiler.compileUsing(changed.stream().map(exercise::resolve).toList(), null, withCode, partial, exercise)
                    .isPresent()) {
                return false;
            }
            Map<String, Path> made = new TreeMap<>();
            for (Path file : FileCopies.filesEndingWith(partial, ".class")) {
                made.put(partial.relativize(file).toString(), file);
            }
            List<Path> replaced = new ArrayList<>();
            for (Path old : FileCopies.filesEndingWith(classes, ".class")) {
                String name = classes.relativize(old).toString();
                if (changedSources.contains(ClassAbi.sourceOf(Files.readAllBytes(old)))) {
                    if (!made.containsKey(name) && !isAnonymous(name)) {
                        return false;
                    }
                    replaced.add(old);
                }
            }
            for (Map.Entry<String, Path> entry : made.entrySet()) {
                Path old = classes.resolve(entry.getKey());
                if (isAnonymous(entry.getKey())) {
                    continue;
                }
                if (!Files.isRegularFile(old) || !ClassAbi.describe(Files.readAllBytes(old))
                        .equals(ClassAbi.describe(Files.readAllBytes(entry.getValue())))) {
                    return false;
                }
            }
            for (Path old : replaced) {
                Files.delete(old);
            }
            for (Map.Entry<String, Path> entry : made.entrySet()) {
                Files.copy(entry.getValue(), classes.resolve(entry.getKey()), StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            FileCopies.deleteTree(partial);
        }
    }

    /**
     * The grader's fair-play rules on the code as last built, checked once per change of it (and
     * remembered in the stamp). The loop asks only when the tests pass: reading classes with
     * ArchUnit costs a second or two in a fresh JVM, too much for every failing run, while a pass
     * must not be announced that {@code kata grade} would refuse.
     *
     * @return the broken rule, if any
     */
    Optional<String> fairPlay(TaskCatalog catalog) {
        long start = System.nanoTime();
        Path folder = repository.exercise(catalog.exercise().id()).resolve("target/kata/loop");
        try (FileChannel channel = FileChannel.open(folder.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            Properties stamp = readStamp(folder.resolve("stamp.properties"));
            String verdict = stamp.getProperty("fairPlay");
            if (verdict == null) {
                verdict = FairPlay.check(folder.resolve("classes"), catalog.testSourceClasses())
                        .map(FairPlay.Violation::toString).orElse("");
                stamp.setProperty("fairPlay", verdict);
                writeStamp(folder.resolve("stamp.properties"), stamp);
            }
            return verdict.isEmpty() ? Optional.empty() : Optional.of(verdict);
        } catch (IOException e) {
            throw new UncheckedIOException("could not check " + folder, e);
        } finally {
            checkMillis = millisSince(start);
        }
    }

    /** How long the last fair-play check took; 0 when there was none. */
    long checkMillis() {
        return checkMillis;
    }

    private long checkMillis;

    private static boolean isAnonymous(String classFile) {
        return classFile.matches(".*\\$\\d.*");
    }

    /** Per file of the code (relative to the exercise): a digest of its content. */
    private static Map<String, String> sourceDigests(Path exercise) {
        Map<String, String> digests = new TreeMap<>();
        for (String folder : List.of("src/main", "src/given")) {
            for (Path file : FileCopies.filesEndingWith(exercise.resolve(folder), "")) {
                if (SourceChanges.counts(file)) {
                    digests.put(exercise.relativize(file).toString().replace(java.io.File.separatorChar, '/'),
                            digest(file));
                }
            }
        }
        return digests;
    }

    private static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            return "unreadable " + System.nanoTime();
        }
    }

    private static void remember(Properties stamp, Map<String, String> sources) {
        stamp.stringPropertyNames().stream().filter(k -> k.startsWith(SOURCE)).toList().forEach(stamp::remove);
        sources.forEach((file, digest) -> stamp.setProperty(SOURCE + file, digest));
    }

    private static final String SOURCE = "source.";

    /** A digest of every file under the folders (path and content) and of {@code environment}. */
    static String fingerprint(String environment, Path... folders) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(environment.getBytes(StandardCharsets.UTF_8));
            for (Path folder : folders) {
                for (Path file : FileCopies.filesEndingWith(folder, "")) {
                    if (!SourceChanges.counts(file)) {
                        continue;
                    }
                    digest.update(folder.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    digest.update(Files.readAllBytes(file));
                    digest.update((byte) 0);
                }
                digest.update((byte) 1);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            // A file that vanished while being read (an editor saving): the next save runs again.
            return "unreadable " + System.nanoTime();
        }
    }

    private static void replace(Path target, Path fresh) throws IOException {
        Path old = target.resolveSibling(target.getFileName() + ".old");
        FileCopies.deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        FileCopies.deleteTree(old);
    }

    private static Properties readStamp(Path file) {
        Properties stamp = new Properties();
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file)) {
                stamp.load(in);
            } catch (IOException | IllegalArgumentException e) {
                // A damaged stamp only costs a rebuild.
                stamp.clear();
            }
        }
        return stamp;
    }

    private static void writeStamp(Path file, Properties stamp) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        try (var out = Files.newBufferedWriter(temporary)) {
            stamp.store(out, "kata test: what target/kata/loop was built from");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
