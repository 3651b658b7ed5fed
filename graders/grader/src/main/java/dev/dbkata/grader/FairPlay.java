package dev.dbkata.grader;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;

/**
 * The fair-play rules a learner's compiled code must keep before its tests run. They are a
 * guardrail, read from bytecode, not a sandbox: a determined cheat can hide a call behind strings
 * built at run time. What they do catch is every plain attempt:
 * <ul>
 *   <li>{@code no-exit}: {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt} (a test
 *       JVM that stops cannot report its failures);</li>
 *   <li>{@code no-processes}: starting or controlling other processes;</li>
 *   <li>{@code no-reaching-into-tests}: using the testkit, the grader, JUnit or the exercise's test
 *       classes, naming them in a string (for reflection), or opening private members;</li>
 *   <li>{@code no-reading-solutions}: naming the {@code solutions/} folder;</li>
 *   <li>{@code own-packages}: a class outside the packages of the exercise's tests (and below),
 *       such as one named like a library's class.</li>
 * </ul>
 * {@link SubmittedFiles} adds two rules checked before anything is compiled.
 */
final class FairPlay {

    /** A broken rule: its id and what broke it, for the report. */
    record Violation(String rule, String detail) {
        @Override
        public String toString() {
            return "fair play: rule " + rule + " broken: " + detail;
        }
    }

    private static final List<String> KATA_PACKAGES = List.of("dev.dbkata.testkit", "dev.dbkata.grader");

    private FairPlay() {
    }

    /**
     * Checks the classes in {@code classesFolder}.
     *
     * @param testClassNames the exercise's test classes, which the code must not name
     */
    static Optional<Violation> check(Path classesFolder, Set<String> testClassNames) {
        JavaClasses classes = new ClassFileImporter().importPath(classesFolder);
        Set<String> packages = new java.util.TreeSet<>();
        testClassNames.forEach(name -> packages.add(name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : ""));
        for (com.tngtech.archunit.core.domain.JavaClass type : classes) {
            String pkg = type.getPackageName();
            if (packages.stream().noneMatch(allowed -> pkg.equals(allowed) || pkg.startsWith(allowed + "."))) {
                return Optional.of(new Violation("own-packages", type.getName() + " is outside the exercise's packages "
                        + packages + "; put your classes there"));
            }
        }
        List<NamedRule> rules = List.of(
                new NamedRule("no-exit", noClasses().should()
                        .callMethod(System.class, "exit", int.class)
                        .orShould().callMethod(Runtime.class, "exit", int.class)
                        .orShould().callMethod(Runtime.class, "halt", int.class)),
                new NamedRule("no-processes", noClasses().should().dependOnClassesThat()
                        .haveFullyQualifiedName(ProcessBuilder.class.getName())
                        .orShould().dependOnClassesThat().haveFullyQualifiedName(ProcessHandle.class.getName())
                        .orShould().callMethodWhere(named(Runtime.class, "exec"))),
                new NamedRule("no-reaching-into-tests", noClasses().should().dependOnClassesThat()
                        .resideInAnyPackage("dev.dbkata.testkit..", "dev.dbkata.grader..", "org.junit..")
                        .orShould().callMethodWhere(named(java.lang.reflect.AccessibleObject.class, "setAccessible"))
                        .orShould().callMethodWhere(named(java.lang.reflect.AccessibleObject.class, "trySetAccessible"))));
        for (NamedRule rule : rules) {
            EvaluationResult result = rule.rule().allowEmptyShould(true).evaluate(classes);
            if (result.hasViolation()) {
                return Optional.of(new Violation(rule.id(), firstLine(result.getFailureReport().getDetails())));
            }
        }
        return scanStrings(classesFolder, testClassNames);
    }

    /**
     * Names written as strings in the class files' constant pools: reflection and file access
     * need them spelled out, so a plain attempt shows up here.
     */
    private static Optional<Violation> scanStrings(Path classesFolder, Set<String> testClassNames) {
        List<String> intoTests = new ArrayList<>();
        for (String pkg : KATA_PACKAGES) {
            intoTests.add(pkg);
            intoTests.add(pkg.replace('.', '/'));
        }
        for (String test : testClassNames) {
            intoTests.add(test);
            intoTests.add(test.replace('.', '/'));
        }
        for (Path file : FileCopies.filesEndingWith(classesFolder, ".class")) {
            String text = readLatin1(file);
            String owner = classesFolder.relativize(file).toString().replace(".class", "").replace('/', '.');
            for (String name : intoTests) {
                if (containsName(text, name)) {
                    return Optional.of(new Violation("no-reaching-into-tests", owner + " names " + name));
                }
            }
            for (String folder : List.of("solutions/", "solutions\\")) {
                if (text.contains(folder)) {
                    return Optional.of(new Violation("no-reading-solutions", owner + " names the folder " + folder));
                }
            }
        }
        return Optional.empty();
    }

    /** {@code name} as a whole name: not the start of a longer one ({@code RetentionTestimony}). */
    static boolean containsName(String text, String name) {
        for (int at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
            int after = at + name.length();
            boolean endsThere = after >= text.length() || !Character.isJavaIdentifierPart(text.charAt(after))
                    || text.charAt(after) == '$';
            // No check before the name: descriptors write classes as Ldev/dbkata/...;
            if (endsThere) {
                return true;
            }
        }
        return false;
    }

    private static String readLatin1(Path file) {
        try {
            // Constant-pool strings are modified UTF-8; ASCII names survive this reading intact.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DescribedPredicate<JavaCall<?>> named(Class<?> owner, String method) {
        return DescribedPredicate.describe(owner.getSimpleName() + "." + method,
                call -> call.getTargetOwner().isAssignableTo(owner) && call.getName().equals(method));
    }

    private static String firstLine(Collection<String> details) {
        return details.stream().findFirst().orElse("(no detail)");
    }

    private record NamedRule(String id, ArchRule rule) {
    }
}
