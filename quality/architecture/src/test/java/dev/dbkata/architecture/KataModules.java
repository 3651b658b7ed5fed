package dev.dbkata.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/**
 * The modules of the repository as compiled class folders. Exercises and their solutions share
 * class names by design, so each module is imported on its own, never all into one set.
 */
final class KataModules {

    /** One module: what kind it is, its folder, and its classes (main and test). */
    record Module(String kind, Path folder, JavaClasses classes) {

        Set<String> classNames() {
            return classes.stream().map(JavaClass::getName).collect(Collectors.toSet());
        }

        String id() {
            return kind + "/" + folder.getFileName();
        }
    }

    private final Path root;

    KataModules(Path root) {
        this.root = root.normalize();
    }

    static KataModules fromSystemProperty() {
        return new KataModules(Path.of(System.getProperty("kata.root", "../..")).toAbsolutePath());
    }

    /** Imported once per kind: importing every module's classes is the slow part of these rules. */
    private final java.util.Map<String, List<Module>> loaded = new java.util.concurrent.ConcurrentHashMap<>();

    Module testkit() {
        return loaded.computeIfAbsent("testkit", kind -> List.of(load(kind, root.resolve("testkit")))).get(0);
    }

    List<Module> exercises() {
        return loadAll("exercises");
    }

    List<Module> solutions() {
        return loadAll("solutions");
    }

    List<Module> graders() {
        return loadAll("graders");
    }

    List<Module> all() {
        List<Module> all = new ArrayList<>();
        all.add(testkit());
        all.addAll(exercises());
        all.addAll(solutions());
        all.addAll(graders());
        return all;
    }

    Path root() {
        return root;
    }

    private List<Module> loadAll(String kind) {
        return loaded.computeIfAbsent(kind, this::importAll);
    }

    private List<Module> importAll(String kind) {
        Path parent = root.resolve(kind);
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(dir -> Files.isRegularFile(dir.resolve("pom.xml")))
                    .sorted()
                    .map(dir -> load(kind, dir))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Module load(String kind, Path folder) {
        List<Path> classFolders = Stream.of("target/classes", "target/test-classes")
                .map(folder::resolve).filter(Files::isDirectory).toList();
        JavaClasses classes = new ClassFileImporter().importPaths(classFolders);
        return new Module(kind, folder, classes);
    }
}
