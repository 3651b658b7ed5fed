package dev.dbkata.grader;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources in this JVM with the JDK's compiler, as Maven would (release 17,
 * parameter names kept), and reports the first error the way a learner reads it:
 * {@code src/main/java/dev/dbkata/x/Router.java:12: cannot find symbol}.
 */
final class SourceCompiler {

    private final JavaCompiler compiler;

    SourceCompiler() {
        this.compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new GradingException("The grader needs a JDK, but runs on a Java runtime without a compiler ("
                    + System.getProperty("java.home") + "). Install a JDK 17 or newer and point JAVA_HOME at it.");
        }
    }

    /**
     * Compiles every {@code .java} file under the source roots into {@code output}.
     *
     * @param shownFrom paths in the error message are relative to this folder
     * @return the first error, or empty when it compiled
     */
    Optional<String> compile(List<Path> sourceRoots, List<Path> classpath, Path output, Path shownFrom) {
        List<Path> sources = sourceRoots.stream().flatMap(root -> FileCopies.filesEndingWith(root, ".java").stream()).toList();
        return compile(sources, null, classpath, output, shownFrom);
    }

    /**
     * Compiles {@code sources} and whatever they use from {@code sourcepath} (and nothing else of
     * it) into {@code output}: one task's tests without the rest of the exercise's.
     *
     * @return the first error, or empty when it compiled
     */
    Optional<String> compileUsing(List<Path> sources, Path sourcepath, List<Path> classpath, Path output, Path shownFrom) {
        return compile(sources, sourcepath, classpath, output, shownFrom);
    }

    private Optional<String> compile(List<Path> sources, Path sourcepath, List<Path> classpath, Path output,
            Path shownFrom) {
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sources.isEmpty()) {
            return Optional.empty();
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of("--release", "17", "-parameters", "-proc:none",
                    "-encoding", "UTF-8", "-nowarn", "-Xlint:none", "-d", output.toString()));
            if (!classpath.isEmpty()) {
                options.add("-classpath");
                options.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            }
            if (sourcepath != null) {
                options.add("-sourcepath");
                options.add(sourcepath.toString());
            }
            StringWriter compilerOutput = new StringWriter();
            boolean ok = compiler.getTask(compilerOutput, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            if (ok) {
                return Optional.empty();
            }
            return Optional.of(diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).findFirst()
                    .map(d -> describe(d, shownFrom))
                    .orElse(compilerOutput.toString().lines().findFirst().orElse("the compiler failed")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Diagnostic<? extends JavaFileObject> error, Path shownFrom) {
        // javac's first line, plus the symbol and where it was looked for when it says.
        String message = error.getMessage(Locale.ROOT).lines().map(String::strip)
                .filter(line -> !line.isEmpty()).limit(3).collect(Collectors.joining("; "));
        if (error.getSource() == null) {
            return message;
        }
        Path file = Path.of(error.getSource().toUri());
        String where = file.startsWith(shownFrom) ? shownFrom.relativize(file).toString() : file.getFileName().toString();
        return where + ":" + error.getLineNumber() + ": " + message;
    }
}
