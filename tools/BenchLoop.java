import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The learner's loop, timed (run by tools/bench-loop). Three things, each N times, medians:
 * <ul>
 *   <li>{@code kata test EXERCISE TASK} with nothing changed, and right after a save of the code
 *       (a comment appended to a file of src/main, so the code is compiled again), alternating;</li>
 *   <li>with {@code --maven}, the same task through Maven ({@code mvn test -Dtest=...} in the
 *       exercise), alternating with the two above;</li>
 *   <li>a re-run of {@code kata watch} after a save, in one watch.</li>
 * </ul>
 * Each figure is the wall time from the command (or the save) to the verdict (the line the kata
 * prints after the summary with KATA_TIMING set), and the same minus the tests' own time (from
 * the first test class starting, its servers included, to the last test finishing), which is what
 * the kata adds: the overhead.
 */
public class BenchLoop {

    private static final Pattern TIMING = Pattern.compile("kata-timing build_ms=(\\d+) tests_ms=(\\d+)");

    record Sample(double wall, double tests) {
        double overhead() {
            return wall - tests;
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        String exercise = args[1];
        String task = args[2];
        int runs = Integer.parseInt(args[3]);
        boolean maven = List.of(args).contains("--maven");
        boolean reference = List.of(args).contains("--reference");
        Path main = root.resolve("exercises").resolve(exercise).resolve("src/main");
        Path saved = root.resolve("target/bench-loop/src-main-" + exercise);
        Path edited = firstJavaFile(main);
        String learners = Files.readString(edited);
        Thread restore = new Thread(() -> restore(main, saved, edited, learners, reference), "bench-loop-restore");
        Runtime.getRuntime().addShutdownHook(restore);
        try {
            if (reference) {
                swapInReference(root, exercise, main, saved);
            }
            String original = Files.readString(edited);
            String taskClass = maven ? taskClass(root, exercise, task) : null;
            System.out.printf(Locale.ROOT, "bench-loop: %s %s, %d runs each%s%s (load average before: %s)%n", exercise,
                    task, runs, reference ? ", on the reference solution" : ", on the code in exercises/",
                    maven ? ", with Maven" : "", load());
            // One run first, not counted: builds what the kata needs and writes its class-data archive.
            kataTest(root, exercise, task);
            List<Sample> unchanged = new ArrayList<>();
            List<Sample> afterSave = new ArrayList<>();
            List<Sample> mvn = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                // A save (a comment that differs each time, so the code is compiled again), then
                // the same code once more, with nothing to compile.
                Files.writeString(edited, original + "\n// bench-loop " + i + "\n");
                afterSave.add(kataTest(root, exercise, task));
                unchanged.add(kataTest(root, exercise, task));
                if (maven) {
                    mvn.add(mavenTest(root, exercise, taskClass));
                }
                System.out.printf(Locale.ROOT, "  run %d: kata test after a save %.2f s (tests %.2f s), unchanged %.2f s (tests %.2f s)%s%n",
                        i + 1, afterSave.get(i).wall(), afterSave.get(i).tests(), unchanged.get(i).wall(),
                        unchanged.get(i).tests(), maven ? String.format(Locale.ROOT, ", Maven %.2f s", mvn.get(i).wall()) : "");
            }
            Files.writeString(edited, original);
            List<Sample> watch = watchReruns(root, exercise, edited, original, runs);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-44s %10s %12s %14s%n", "median of " + runs, "wall", "tests' own", "overhead");
            row("kata test, nothing changed", unchanged);
            row("kata test, right after a save", afterSave);
            row("kata watch, re-run after a save", watch);
            if (maven) {
                row("mvn test -Dtest=" + taskClass, mvn);
                System.out.printf(Locale.ROOT, "Maven takes %.1fx the wall time of kata test after a save (medians).%n",
                        median(mvn, Sample::wall) / median(afterSave, Sample::wall));
            }
            System.out.println("load average after: " + load());
        } finally {
            restore.run();
            Runtime.getRuntime().removeShutdownHook(restore);
        }
    }

    private static void row(String what, List<Sample> samples) {
        System.out.printf(Locale.ROOT, "%-44s %8.2f s %10.2f s %12.2f s   (overhead %.2f-%.2f s)%n", what,
                median(samples, Sample::wall), median(samples, Sample::tests), median(samples, Sample::overhead),
                samples.stream().mapToDouble(Sample::overhead).min().orElse(0),
                samples.stream().mapToDouble(Sample::overhead).max().orElse(0));
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** One kata test, from the command to the verdict. */
    private static Sample kataTest(Path root, String exercise, String task) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("kata").toString(), "test", exercise, task)
                .directory(root.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("KATA_TIMING", "1");
        long start = System.nanoTime();
        Process process = builder.start();
        Sample sample = null;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                Matcher timing = TIMING.matcher(line);
                if (timing.find() && sample == null) {
                    sample = new Sample((System.nanoTime() - start) / 1e9, Long.parseLong(timing.group(2)) / 1000.0);
                }
            }
        }
        process.waitFor();
        if (sample == null) {
            throw new IllegalStateException("kata test printed no timing (exit " + process.exitValue() + ")");
        }
        return sample;
    }

    private static Sample mavenTest(Path root, String exercise, String taskClass) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("mvnw").toString(), "-B", "-q", "test",
                "-Dtest=" + taskClass).directory(root.resolve("exercises").resolve(exercise).toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long start = System.nanoTime();
        builder.start().waitFor();
        double wall = (System.nanoTime() - start) / 1e9;
        // Surefire's own figure for the class: its tests' time.
        Path report;
        try (Stream<Path> reports = Files.list(root.resolve("exercises").resolve(exercise).resolve("target/surefire-reports"))) {
            report = reports.filter(f -> f.getFileName().toString().endsWith("." + taskClass + ".xml")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Maven wrote no report for " + taskClass));
        }
        Matcher time = Pattern.compile("<testsuite[^>]* time=\"([0-9.]+)\"").matcher(Files.readString(report));
        return new Sample(wall, time.find() ? Double.parseDouble(time.group(1)) : 0);
    }

    /** One watch; after its first run, {@code runs} saves, each timed from the save to the re-run's verdict. */
    private static List<Sample> watchReruns(Path root, String exercise, Path edited, String original, int runs)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("kata").toString(), "watch", exercise)
                .directory(root.toFile());
        builder.environment().put("KATA_TIMING", "1");
        Process process = builder.start();
        BlockingQueue<Object[]> timings = new LinkedBlockingQueue<>();
        // The watch is idle when it says it waits (after a pass it may go on to the next tasks first).
        BlockingQueue<Long> idle = new LinkedBlockingQueue<>();
        Thread screen = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("Waiting for a save")) {
                        idle.add(System.nanoTime());
                    }
                }
            } catch (IOException e) {
                // The watch ended.
            }
        }, "bench-loop-screen");
        screen.setDaemon(true);
        screen.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    Matcher timing = TIMING.matcher(line);
                    if (timing.find()) {
                        timings.add(new Object[] {System.nanoTime(), Long.parseLong(timing.group(2))});
                    }
                }
            } catch (IOException e) {
                // The watch ended.
            }
        }, "bench-loop-watch");
        reader.setDaemon(true);
        reader.start();
        List<Sample> samples = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                // Idle, and every verdict so far read: then save.
                if (idle.poll(300, TimeUnit.SECONDS) == null) {
                    throw new IllegalStateException("kata watch never became idle (alive: " + process.isAlive() + ")");
                }
                Thread.sleep(300);
                timings.clear();
                long saved = System.nanoTime();
                Files.writeString(edited, original + "\n// bench-loop watch " + i + "\n");
                Object[] timing = await(timings, process);
                Sample sample = new Sample(((long) timing[0] - saved) / 1e9, (long) timing[1] / 1000.0);
                samples.add(sample);
                System.out.printf(Locale.ROOT, "  watch re-run %d: %.2f s from the save (tests %.2f s)%n", i + 1,
                        sample.wall(), sample.tests());
            }
        } finally {
            Files.writeString(edited, original);
            try (OutputStream keys = process.getOutputStream()) {
                keys.write('q');
            } catch (IOException e) {
                // Gone already.
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
            }
        }
        return samples;
    }

    private static Object[] await(BlockingQueue<Object[]> timings, Process process) throws InterruptedException {
        Object[] timing = timings.poll(300, TimeUnit.SECONDS);
        if (timing == null) {
            throw new IllegalStateException("kata watch gave no verdict within 300 s (alive: " + process.isAlive() + ")");
        }
        return timing;
    }

    private static Path firstJavaFile(Path main) throws IOException {
        try (Stream<Path> files = Files.walk(main.resolve("java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).min(Comparator.naturalOrder())
                    .orElseThrow(() -> new IllegalStateException("no Java file under " + main));
        }
    }

    private static String taskClass(Path root, String exercise, String task) throws IOException {
        Pattern declares = Pattern.compile("@Task\\([^)]*id\\s*=\\s*\"" + Pattern.quote(task) + "\"");
        try (Stream<Path> files = Files.walk(root.resolve("exercises").resolve(exercise).resolve("src/test/java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return declares.matcher(Files.readString(f)).find();
                } catch (IOException e) {
                    return false;
                }
            }).map(f -> f.getFileName().toString().replace(".java", "")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(exercise + " has no task " + task));
        }
    }

    /** The reference's src/main in the exercise for the bench's duration; the learner's kept aside. */
    private static void swapInReference(Path root, String exercise, Path main, Path saved) throws Exception {
        Process status = new ProcessBuilder("git", "status", "--porcelain", "--", main.toString()).directory(root.toFile())
                .redirectErrorStream(true).start();
        String changes = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        status.waitFor();
        if (!changes.isEmpty()) {
            throw new IllegalStateException("--reference replaces " + main + " for a while, but it has changes of"
                    + " yours; commit or stash them first:\n" + changes);
        }
        copy(main, saved);
        copy(root.resolve("solutions").resolve(exercise).resolve("src/main"), main);
    }

    private static void restore(Path main, Path saved, Path edited, String original, boolean reference) {
        try {
            if (reference && Files.isDirectory(saved)) {
                copy(saved, main);
            } else {
                Files.writeString(edited, original);
            }
        } catch (IOException e) {
            System.err.println("bench-loop: could not put " + main + " back: " + e + " (git checkout -- " + main + ")");
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.walk(to)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
