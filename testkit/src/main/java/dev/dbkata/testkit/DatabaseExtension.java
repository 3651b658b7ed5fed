package dev.dbkata.testkit;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives a test class the servers its {@code @With...} annotations declare.
 *
 * <p>Servers start before the class's first test and are held in the class's
 * {@link ExtensionContext.Store}, which closes them after its last test (and after a failure of
 * {@code @BeforeAll}). Before every test the topology is mended (see {@link Topology#heal()}) and,
 * when the annotation asks, emptied. Tests and lifecycle methods receive the servers as
 * parameters. {@code @Nested} classes use their enclosing class's servers unless they declare
 * their own.
 *
 * <p>When a test fails, it shows what the database saw: the statements the test's code sent to
 * each PostgreSQL node from the test method's start (after {@code @BeforeEach} methods) to its
 * end, read from the servers' statement logs, the testkit's own sessions left out (see
 * {@link ObservedSql}). They are published as a JUnit report entry and printed to standard error,
 * unless the configuration parameter {@value #PRINT_OBSERVED} is {@code false} (the grader's
 * runner shows them itself).
 */
public final class DatabaseExtension implements BeforeAllCallback, BeforeEachCallback, BeforeTestExecutionCallback,
        AfterTestExecutionCallback, ParameterResolver {

    /** Configuration parameter: whether a failing test's observed SQL is printed to standard error (default true). */
    public static final String PRINT_OBSERVED = "dbkata.observed.print";
    private static final String LOG_MARKS = "statement log marks";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DatabaseExtension.class);

    /**
     * Every topology a test class can declare, one row each: the annotation, its reset setting,
     * how to start the servers it asks for (through the public builders, as a test outside the
     * extension would), and which parameter types it provides. A type that two rows provide goes
     * to the first of them the class declares. A new topology is a new row.
     */
    private static final List<Kind<?, ?>> KINDS = List.of(
            kind(WithPostgres.class, WithPostgres::reset,
                    a -> Postgres.server().withSettings(a.settings()).startTopology(),
                    List.of(gives(PostgresNode.class, PostgresCluster::primary))),
            kind(WithPostgresCluster.class, WithPostgresCluster::reset,
                    a -> Postgres.cluster().withReplicas(a.replicas())
                            .withSynchronousStandbys(a.syncMethod(), a.synchronousStandbys())
                            .withSettings(a.settings()).start(),
                    List.of(gives(PostgresCluster.class, cluster -> cluster), gives(PostgresNode.class, PostgresCluster::primary))),
            kind(WithShards.class, WithShards::reset,
                    a -> Postgres.shards().withCount(a.count()).withSettings(a.settings()).start(),
                    List.of(gives(PostgresShards.class, shards -> shards))),
            kind(WithRedis.class, WithRedis::reset,
                    a -> Redis.servers().withCount(a.count()).start(),
                    List.of(gives(RedisServers.class, servers -> servers), gives(RedisNode.class, RedisServers::node))));

    /** One kind of topology: the annotation that asks for it, how to start it, what it gives tests. */
    private record Kind<A extends Annotation, T extends Topology>(
            Class<A> annotation, Function<A, Reset> reset, Function<A, T> start, List<Gives<T>> gives) {

        Optional<Gives<T>> giving(Class<?> type) {
            return gives.stream().filter(g -> g.type() == type).findFirst();
        }
    }

    /** A parameter type a topology provides, and how to get it from the topology. */
    private record Gives<T>(Class<?> type, Function<T, ?> from) {
    }

    private static <A extends Annotation, T extends Topology> Kind<A, T> kind(Class<A> annotation,
            Function<A, Reset> reset, Function<A, T> start, List<Gives<T>> gives) {
        return new Kind<>(annotation, reset, start, gives);
    }

    private static <T> Gives<T> gives(Class<?> type, Function<T, ?> from) {
        return new Gives<>(type, from);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        for (Kind<?, ?> kind : KINDS) {
            startIfDeclared(kind, testClass, store);
        }
    }

    private static <A extends Annotation, T extends Topology> void startIfDeclared(
            Kind<A, T> kind, Class<?> testClass, ExtensionContext.Store store) {
        Optional<A> declared = AnnotationSupport.findAnnotation(testClass, kind.annotation());
        // Once per class: with @TestInstance(PER_CLASS), constructor injection starts the servers
        // before beforeAll runs.
        List<Object> startedKey = List.of(kind.annotation(), testClass);
        if (declared.isEmpty() || store.get(startedKey) != null) {
            return;
        }
        store.put(startedKey, Boolean.TRUE);
        A annotation = declared.get();
        TopologyHolder<T> holder = new TopologyHolder<>("@" + kind.annotation().getSimpleName() + " of "
                + testClass.getSimpleName(), () -> kind.start().apply(annotation), kind.reset().apply(annotation), annotation);
        // Stored before starting, so that the store closes whatever did start if starting fails.
        store.put(kind.annotation(), holder);
        holder.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        for (Kind<?, ?> kind : KINDS) {
            TopologyHolder<?> holder = store.get(kind.annotation(), TopologyHolder.class);
            if (holder != null) {
                holder.prepareForTest();
            }
        }
    }

    /** Marks where each PostgreSQL node's log ends, once the test's own set-up is done. */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        List<PostgresNode> nodes = postgresNodes(context);
        if (!nodes.isEmpty()) {
            context.getStore(NAMESPACE).put(LOG_MARKS, ObservedSql.mark(nodes));
        }
    }

    /** After a failed test: publishes (and prints) what the database saw during it. */
    @Override
    public void afterTestExecution(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        java.util.Map<PostgresNode, dev.dbkata.testkit.backend.ServerLog.Mark> marks =
                context.getStore(NAMESPACE).remove(LOG_MARKS, java.util.Map.class);
        if (marks == null || context.getExecutionException().isEmpty()) {
            return;
        }
        ObservedSql observed = ObservedSql.since(marks);
        if (observed.isEmpty()) {
            return;
        }
        context.publishReportEntry(observed.asReportEntry());
        if (context.getConfigurationParameter(PRINT_OBSERVED).map(Boolean::parseBoolean).orElse(true)) {
            System.err.print(observed.describe(context.getRequiredTestClass().getSimpleName() + " > "
                    + context.getDisplayName()));
            System.err.flush();
        }
    }

    /** Every PostgreSQL node of the topologies the test has, in the order of the table above. */
    private static List<PostgresNode> postgresNodes(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        List<PostgresNode> nodes = new java.util.ArrayList<>();
        for (Kind<?, ?> kind : KINDS) {
            TopologyHolder<?> holder = store.get(kind.annotation(), TopologyHolder.class);
            Topology topology = holder == null ? null : holder.startedOrNull();
            if (topology != null) {
                nodes.addAll(topology.postgresNodes());
            }
        }
        return nodes;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        // Claims every testkit type, so that a missing annotation is explained below rather than
        // reported as a parameter nobody can resolve.
        Class<?> type = parameter.getParameter().getType();
        return KINDS.stream().anyMatch(kind -> kind.giving(type).isPresent());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Optional<Object> resolved = resolve(type, context);
        if (resolved.isEmpty() && parameter.getDeclaringExecutable() instanceof java.lang.reflect.Constructor) {
            beforeAll(context);
            resolved = resolve(type, context);
        }
        return resolved.orElseThrow(() -> new ParameterResolutionException(context.getRequiredTestClass().getSimpleName()
                + " asks for a " + type.getSimpleName() + " but declares no such servers: annotate the class with "
                + KINDS.stream().filter(kind -> kind.giving(type).isPresent())
                        .map(kind -> "@" + kind.annotation().getSimpleName())
                        .collect(java.util.stream.Collectors.joining(" or ")) + "."));
    }

    /** The parameter from the first declared topology that provides its type, if any. */
    private static Optional<Object> resolve(Class<?> type, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        for (Kind<?, ?> kind : KINDS) {
            Optional<Object> value = resolve(kind, type, store);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    private static <T extends Topology> Optional<Object> resolve(Kind<?, T> kind, Class<?> type, ExtensionContext.Store store) {
        Optional<Gives<T>> gives = kind.giving(type);
        @SuppressWarnings("unchecked")
        TopologyHolder<T> holder = store.get(kind.annotation(), TopologyHolder.class);
        if (gives.isEmpty() || holder == null) {
            return Optional.empty();
        }
        return Optional.of(gives.get().from().apply(holder.current()));
    }
}
