package dev.dbkata.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.BaseStream;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Blocking work never runs on the JVM's common pool: not in the testkit, an exercise (skeleton
 * and tests), a solution or a grader, main code or test code alike. That pool has as many threads
 * as cores minus one, so a single thread on a 2-core machine: one step blocked there (a session
 * waiting for a lock, a transaction stopped at a gate) keeps every later step from starting, and
 * the test hangs or times out. Whether it does depends on the JDK (how {@code CompletableFuture}
 * picks its default executor changed after 17) and on the core count, so it passed on a 4-core
 * laptop with JDK 17 and failed on a 2-core runner with JDK 25 (issue 22).
 *
 * <p>The rule rejects every call (or method reference) that hands work to the common pool:
 * {@code CompletableFuture.runAsync/supplyAsync} and the other {@code *Async} methods without an
 * executor argument, {@code parallelStream()}, {@code parallel()} and
 * {@code ForkJoinPool.commonPool()}.
 */
class CommonPoolRulesTest {


    private static final String LESSON = "the common pool has ONE thread on a 2-core machine: a step blocked there"
            + " (a session waiting for a lock, a transaction stopped at a gate) keeps the next from starting, and the"
            + " test hangs or not depending on the JDK and the core count (issue 22). Run blocking steps on an"
            + " executor the code owns and closes: in a test, a TestThreads parameter (threads.run(...),"
            + " threads.supply(...), with @ExtendWith(TestThreads.Extension.class)); elsewhere an ExecutorService"
            + " closed after use, passed as the executor argument (CompletableFuture.supplyAsync(work, executor));"
            + " a plain stream instead of a parallel one";

    private final KataModules modules = KataModules.fromSystemProperty();

    @Test
    @DisplayName("no module (main or test code) runs work on the common pool")
    void noModuleUsesTheCommonPool() {
        assertThat(modules.testkit().classes()).as("testkit/target/classes must be built before these rules run")
                .isNotEmpty();
        List<String> offences = new ArrayList<>();
        for (KataModules.Module module : modules.all()) {
            // Test code is where the common pool crept in: the rule must see it, not pass without it.
            if (Files.isDirectory(module.folder().resolve("src/test/java"))) {
                assertThat(module.classes().stream().anyMatch(CommonPoolRulesTest::isTestCode))
                        .as(module.id() + ": its test classes must be compiled (target/test-classes) before these"
                                + " rules run")
                        .isTrue();
            }
            EvaluationResult result = noCommonPool().evaluate(module.classes());
            result.getFailureReport().getDetails().forEach(line -> offences.add(module.id() + ": " + line));
        }
        if (!offences.isEmpty()) {
            throw new AssertionError(offences.size() + " use(s) of the common pool:\n  " + String.join("\n  ", offences)
                    + "\nWhy not: " + LESSON + ".");
        }
    }


    @Test
    @DisplayName("the rule rejects each way of reaching the common pool, and accepts an owned executor")
    void theRuleCatchesWhatItShould() {
        JavaClasses offenders = new ClassFileImporter().importClasses(UsesTheCommonPool.class);
        assertThatThrownBy(() -> noCommonPool().check(offenders))
                .hasMessageContaining("CompletableFuture.runAsync")
                .hasMessageContaining("CompletableFuture.supplyAsync")
                .hasMessageContaining("thenApplyAsync")
                .hasMessageContaining("parallelStream")
                .hasMessageContaining(".parallel()")
                .hasMessageContaining("ForkJoinPool.commonPool")
                .hasMessageContaining("TestThreads");
        assertThat(violationsIn(offenders.get(UsesTheCommonPool.class))).hasSize(7);

        JavaClasses clean = new ClassFileImporter().importClasses(OwnsItsExecutor.class);
        noCommonPool().check(clean);
    }

    static ArchRule noCommonPool() {
        return classes().should(runNothingOnTheCommonPool())
                .because(LESSON)
                .allowEmptyShould(true);
    }


    private static boolean isTestCode(JavaClass javaClass) {
        return javaClass.getSource().map(s -> s.getUri().toString().contains("/target/test-classes/")).orElse(false);
    }

    private static ArchCondition<JavaClass> runNothingOnTheCommonPool() {
        return new ArchCondition<>("run nothing on the common pool") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                for (JavaAccess<?> access : accessesOf(javaClass)) {
                    String what = commonPoolUse(access);
                    if (what != null) {
                        events.add(SimpleConditionEvent.violated(access, access.getOrigin().getFullName() + " calls "
                                + what + " " + access.getSourceCodeLocation()));
                    }
                }
            }
        };
    }

    private static List<String> violationsIn(JavaClass javaClass) {
        List<String> found = new ArrayList<>();
        for (JavaAccess<?> access : accessesOf(javaClass)) {
            String what = commonPoolUse(access);
            if (what != null) {
                found.add(what);
            }
        }
        return found;
    }

    /** Method calls and method references, from the class and its lambdas (which compile into it). */
    private static List<JavaAccess<?>> accessesOf(JavaClass javaClass) {
        List<JavaAccess<?>> accesses = new ArrayList<>();
        accesses.addAll(javaClass.getMethodCallsFromSelf());
        accesses.addAll(javaClass.getMethodReferencesFromSelf());
        return accesses;
    }

    /** What {@code access} hands to the common pool, in words, or null if nothing. */
    private static String commonPoolUse(JavaAccess<?> access) {
        JavaClass owner = access.getTargetOwner();
        String name = access.getName();
        List<String> parameters = access.getTarget() instanceof AccessTarget.CodeUnitAccessTarget target
                ? target.getRawParameterTypes().stream().map(HasName::getName).collect(Collectors.toList())
                : List.of();
        if (owner.isAssignableTo(CompletableFuture.class) && name.endsWith("Async")
                && !parameters.contains(Executor.class.getName())) {
            return "CompletableFuture." + name + " without an executor";
        }
        if (owner.isAssignableTo(java.util.Collection.class) && name.equals("parallelStream")) {
            return owner.getSimpleName() + ".parallelStream()";
        }
        if (owner.isAssignableTo(BaseStream.class) && name.equals("parallel")) {
            return owner.getSimpleName() + ".parallel()";
        }
        if (owner.isEquivalentTo(ForkJoinPool.class) && name.equals("commonPool")) {
            return "ForkJoinPool.commonPool()";
        }
        return null;
    }

    /** Seven ways to reach the common pool; the rule must name each. */
    @SuppressWarnings("unused")
    static final class UsesTheCommonPool {
        void offend(List<Integer> numbers) {
            CompletableFuture.runAsync(() -> { });
            CompletableFuture<Integer> one = CompletableFuture.supplyAsync(() -> 1);
            one.thenApplyAsync(n -> n + 1);
            numbers.parallelStream().count();
            numbers.stream().parallel().count();
            ForkJoinPool.commonPool().execute(() -> { });
            java.util.function.Function<java.util.function.Supplier<Integer>, CompletableFuture<Integer>> later =
                    CompletableFuture::supplyAsync;
        }
    }

    /** The same work on an executor the code owns: nothing to reject. */
    @SuppressWarnings("unused")
    static final class OwnsItsExecutor {
        void behave(List<Integer> numbers) {
            ExecutorService executor = Executors.newCachedThreadPool();
            try {
                CompletableFuture.runAsync(() -> { }, executor);
                CompletableFuture.supplyAsync(() -> 1, executor).thenApplyAsync(n -> n + 1, executor);
                numbers.stream().count();
            } finally {
                executor.shutdownNow();
            }
        }
    }
}
