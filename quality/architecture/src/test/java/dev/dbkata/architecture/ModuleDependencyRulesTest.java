package dev.dbkata.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Exercises, solutions, graders and the testkit depend only on what they may:
 * <ul>
 *   <li>an exercise uses no class of another exercise, of any solution or of a grader;</li>
 *   <li>a solution uses no class of another exercise or solution, nor of a grader (its tests are
 *       its own exercise's, which share its class names);</li>
 *   <li>the testkit uses no class of any exercise, solution or grader;</li>
 *   <li>exercises, solutions and graders use the testkit's public API only, never its
 *       {@code backend}, {@code embedded} or {@code docker} internals;</li>
 *   <li>no exercise or solution declares a Maven dependency on a solution or a grader.</li>
 * </ul>
 */
class ModuleDependencyRulesTest {

    /** Shared by the rules: the compiled classes do not change while they run. */
    private static final KataModules modules = KataModules.fromSystemProperty();

    @Test
    @DisplayName("the rules see the compiled testkit (they would pass vacuously otherwise)")
    void testkitIsCompiled() {
        assertThat(modules.testkit().classes()).as("testkit/target/classes must be built before these rules run")
                .isNotEmpty();
    }

    @Test
    @DisplayName("the testkit depends on no exercise, solution or grader")
    void testkitIsIndependent() {
        KataModules.Module testkit = modules.testkit();
        Set<String> forbidden = classNamesOf(concat(modules.exercises(), modules.solutions(), modules.graders()));
        forbidden.removeAll(testkit.classNames());

        noClasses().should().dependOnClassesThat(named(forbidden, "classes of exercises, solutions or graders"))
                .allowEmptyShould(true)
                .check(testkit.classes());
    }

    @Test
    @DisplayName("an exercise depends on no other exercise, no solution and no grader")
    void exercisesAreIndependent() {
        for (KataModules.Module exercise : modules.exercises()) {
            Set<String> forbidden = classNamesOf(concat(modules.exercises(), modules.solutions(), modules.graders()));
            forbidden.removeAll(exercise.classNames());

            noClasses().should().dependOnClassesThat(named(forbidden, "classes of other modules than " + exercise.id()))
                    .allowEmptyShould(true)
                    .check(exercise.classes());
        }
    }

    @Test
    @DisplayName("a solution depends on nothing but its own code and its exercise's tests")
    void solutionsAreIndependent() {
        for (KataModules.Module solution : modules.solutions()) {
            Set<String> allowed = new HashSet<>(solution.classNames());
            modules.exercises().stream().filter(e -> e.folder().getFileName().equals(solution.folder().getFileName()))
                    .forEach(own -> allowed.addAll(own.classNames()));
            Set<String> forbidden = classNamesOf(concat(modules.exercises(), modules.solutions(), modules.graders()));
            forbidden.removeAll(allowed);

            noClasses().should().dependOnClassesThat(named(forbidden, "classes of other modules than " + solution.id()))
                    .allowEmptyShould(true)
                    .check(solution.classes());
        }
    }

    @Test
    @DisplayName("exercises, solutions and graders use only the testkit's public API")
    void testkitInternalsStayInside() {
        for (KataModules.Module module : concat(modules.exercises(), modules.solutions(), modules.graders())) {
            noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.dbkata.testkit.backend..",
                            "dev.dbkata.testkit.embedded..", "dev.dbkata.testkit.docker..")
                    .as(module.id() + " uses the testkit's public API (dev.dbkata.testkit) only")
                    .allowEmptyShould(true)
                    .check(module.classes());
        }
    }

    @Test
    @DisplayName("no exercise or solution pom declares a dependency on a solution or a grader")
    void pomsDeclareNoForbiddenDependencies() throws IOException {
        Pattern artifact = Pattern.compile("<dependency>.*?<artifactId>([^<]+)</artifactId>.*?</dependency>", Pattern.DOTALL);
        Set<String> forbidden = new HashSet<>();
        for (KataModules.Module module : concat(modules.solutions(), modules.graders())) {
            forbidden.add(artifactIdOf(module));
        }
        for (KataModules.Module module : concat(modules.exercises(), modules.solutions())) {
            Matcher m = artifact.matcher(Files.readString(module.folder().resolve("pom.xml")));
            while (m.find()) {
                assertThat(forbidden).as(module.id() + "/pom.xml must not depend on " + m.group(1))
                        .doesNotContain(m.group(1).trim());
            }
        }
    }

    private static String artifactIdOf(KataModules.Module module) throws IOException {
        String pom = Files.readString(module.folder().resolve("pom.xml"));
        String withoutParent = pom.replaceAll("(?s)<parent>.*?</parent>", "");
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(withoutParent);
        return m.find() ? m.group(1).trim() : "";
    }

    private static List<KataModules.Module> concat(List<KataModules.Module> first, List<KataModules.Module> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }

    private static List<KataModules.Module> concat(List<KataModules.Module> first, List<KataModules.Module> second,
            List<KataModules.Module> third) {
        return concat(concat(first, second), third);
    }

    private static Set<String> classNamesOf(List<KataModules.Module> modules) {
        Set<String> names = new HashSet<>();
        modules.forEach(m -> names.addAll(m.classNames()));
        return names;
    }

    private static DescribedPredicate<JavaClass> named(Set<String> names, String description) {
        return DescribedPredicate.describe(description, javaClass -> names.contains(javaClass.getName()));
    }
}
