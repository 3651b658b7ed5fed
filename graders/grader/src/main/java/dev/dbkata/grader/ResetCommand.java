package dev.dbkata.grader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code kata reset EXERCISE [TASK] [--yes]}: puts the skeleton back in
 * {@code exercises/EXERCISE/src/main}. The whole exercise, or only the files whose skeleton
 * carries the task's {@code TODO(TASK)} marker. It lists the files it would change and asks first
 * (unless {@code --yes}); the learner's versions are copied to {@code .kata/backups/} before. The
 * skeleton comes from {@code .kata/skeleton/} (written by {@code kata export-learner}), else from
 * git's {@code HEAD} (in a clone of the kata, whose committed exercises are the skeletons).
 */
final class ResetCommand {

    private final KataRepository repository;
    private final PrintStream out;
    private final InputStream in;

    ResetCommand(KataRepository repository, PrintStream out, InputStream in) {
        this.repository = repository;
        this.out = out;
        this.in = in;
    }

    int run(List<String> args) {
        boolean yes = args.contains("--yes") || args.contains("-y");
        List<String> names = args.stream().filter(a -> !a.startsWith("-")).toList();
        List<String> unknown = args.stream().filter(a -> a.startsWith("-") && !a.equals("--yes") && !a.equals("-y")).toList();
        if (names.isEmpty() || names.size() > 2 || !unknown.isEmpty()) {
            throw new GradingException("usage: kata reset EXERCISE [TASK] [--yes]");
        }
        String exercise = names.get(0).replaceAll("/+$", "").replaceFirst("^(\\./)?exercises/", "");
        String task = names.size() == 2 ? names.get(1) : null;
        if (!repository.exercises().contains(exercise)) {
            throw new GradingException("no exercise " + exercise + " (./kata list shows them)");
        }
        if (task != null && repository.catalog(exercise).exercise().tasks().stream().noneMatch(t -> t.id().equals(task))) {
            throw new GradingException(exercise + " has no task " + task + " (./kata list shows the tasks)");
        }
        Path skeleton = skeleton(exercise);
        try {
            return reset(exercise, task, skeleton, yes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!skeleton.startsWith(repository.root())) {
                FileCopies.deleteTree(skeleton.getParent().getParent());
            }
        }
    }

    private int reset(String exercise, String task, Path skeleton, boolean yes) throws IOException {
        Path main = repository.exercise(exercise).resolve("src/main");
        List<String> skeletonFiles = relativeFiles(skeleton);
        List<String> chosen = task == null ? skeletonFiles : skeletonFiles.stream()
                .filter(f -> read(skeleton.resolve(f)).contains("TODO(" + task + ")")).toList();
        if (chosen.isEmpty()) {
            throw new GradingException("no file of the skeleton of " + exercise + " has a TODO(" + task + ") marker;"
                    + " reset the whole exercise with ./kata reset " + exercise);
        }
        TreeSet<String> changed = new TreeSet<>();
        for (String file : chosen) {
            Path mine = main.resolve(file);
            if (!Files.isRegularFile(mine) || Files.mismatch(mine, skeleton.resolve(file)) != -1) {
                changed.add(file);
            }
        }
        List<String> extra = new ArrayList<>();
        if (task == null) {
            extra = relativeFiles(main).stream().filter(f -> !skeletonFiles.contains(f)).toList();
        }
        if (changed.isEmpty() && extra.isEmpty()) {
            out.println("Nothing to reset: " + (task == null ? exercise : exercise + " / " + task) + " is already the skeleton.");
            return Main.OK;
        }
        out.println("kata reset puts the skeleton back in exercises/" + exercise + "/src/main:");
        changed.forEach(f -> out.println("  restore  " + f));
        extra.forEach(f -> out.println("  remove   " + f + " (not in the skeleton)"));
        if (task != null) {
            List<String> others = chosen.stream().flatMap(f -> todos(read(skeleton.resolve(f))).stream())
                    .filter(t -> !t.equals(task)).distinct().sorted().toList();
            if (!others.isEmpty()) {
                out.println("These files also hold the work of " + String.join(", ", others) + ": it is reset too.");
            }
        }
        Path backup = repository.root().resolve(".kata/backups").resolve(exercise + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        if (!yes) {
            out.print("Your files are copied to " + repository.root().relativize(backup) + " first. Reset? [y/N] ");
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
                out.println(answer == null ? "\nNot reset (no answer; --yes resets without asking)." : "Not reset.");
                return Main.FAILED;
            }
        }
        List<String> saved = new ArrayList<>(changed);
        saved.addAll(extra);
        for (String file : saved) {
            Path mine = main.resolve(file);
            if (Files.isRegularFile(mine)) {
                Path copy = backup.resolve(file);
                Files.createDirectories(copy.getParent());
                Files.copy(mine, copy, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (String file : changed) {
            Files.createDirectories(main.resolve(file).getParent());
            Files.copy(skeleton.resolve(file), main.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        for (String file : extra) {
            Files.deleteIfExists(main.resolve(file));
        }
        out.println("Reset " + (changed.size() + extra.size()) + " file(s)"
                + (Files.isDirectory(backup) ? "; your versions are in " + repository.root().relativize(backup) : "") + ".");
        return Main.OK;
    }

    static List<String> todos(String text) {
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("TODO\\(([a-z0-9-]+)\\)").matcher(text);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** The skeleton's src/main of the exercise: .kata/skeleton, or a temporary copy of git's HEAD. */
    private Path skeleton(String exercise) {
        Path kept = repository.root().resolve(".kata/skeleton").resolve(exercise).resolve("src/main");
        if (Files.isDirectory(kept)) {
            return kept;
        }
        String prefix = "exercises/" + exercise + "/src/main/";
        try {
            Path temp = Files.createTempDirectory("kata-reset-");
            Path into = temp.resolve("skeleton").resolve("main");
            String listing = git(temp, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", prefix);
            if (listing == null || listing.isBlank()) {
                FileCopies.deleteTree(temp);
                throw new GradingException("no skeleton to reset " + exercise + " to: this checkout has neither"
                        + " .kata/skeleton/ (kata export-learner writes it) nor the exercise in git's HEAD");
            }
            for (String file : Arrays.stream(listing.split("\0")).filter(s -> !s.isEmpty()).toList()) {
                Path to = into.resolve(file.substring(prefix.length()));
                Files.createDirectories(to.getParent());
                Path blob = temp.resolve("blob");
                if (gitTo(blob, "show", "HEAD:" + file)) {
                    Files.move(blob, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            out.println("(the skeleton from git's HEAD: this checkout has no .kata/skeleton/)");
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String git(Path temp, String... args) throws IOException {
        Path file = temp.resolve("git-output");
        return gitTo(file, args) ? Files.readString(file) : null;
    }

    private boolean gitTo(Path file, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.root().toString()));
        command.addAll(List.of(args));
        try {
            Process git = new ProcessBuilder(command).redirectOutput(file.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!git.waitFor(60, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return false;
            }
            return git.exitValue() == 0;
        } catch (IOException e) {
            return false; // no git
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradingException("interrupted", e);
        }
    }

    private static List<String> relativeFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted()
                    .toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
