package dev.dbkata.testkit;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.dbkata.testkit.backend.ClusterSpec;
import dev.dbkata.testkit.backend.PostgresConfig;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
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
 */
public final class DatabaseExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DatabaseExtension.class);

    /** One kind of topology: the annotation that asks for it and how to start it from that annotation. */
    private record Kind<A extends Annotation, T extends Topology>(
            Class<A> annotation, Function<A, Reset> reset, Function<A, Supplier<T>> starter) {
    }

    private static final List<Kind<?, ?>> KINDS = List.of(
            new Kind<>(WithPostgres.class, WithPostgres::reset, a -> () -> PostgresCluster.start(Backends.current(),
                    new ClusterSpec(0, 0, config(a.settings())), NodeRole.STANDALONE)),
            new Kind<>(WithPostgresCluster.class, WithPostgresCluster::reset, a -> () -> PostgresCluster.start(
                    Backends.current(), new ClusterSpec(a.replicas(), a.synchronousStandbys(),
                    a.syncMethod() == SyncMethod.ANY, config(a.settings())),
                    NodeRole.PRIMARY)),
            new Kind<>(WithShards.class, WithShards::reset,
                    a -> () -> PostgresShards.start(Backends.current(), a.count(), config(a.settings()))),
            new Kind<>(WithRedis.class, WithRedis::reset, a -> () -> RedisServers.start(Backends.current(), a.count())));

    /** Which annotations provide a parameter type, the preferred one first. */
    private static final java.util.Map<Class<?>, List<Class<? extends Annotation>>> PROVIDED_BY = java.util.Map.of(
            PostgresNode.class, List.of(WithPostgres.class, WithPostgresCluster.class),
            PostgresCluster.class, List.of(WithPostgresCluster.class),
            PostgresShards.class, List.of(WithShards.class),
            RedisNode.class, List.of(WithRedis.class),
            RedisServers.class, List.of(WithRedis.class));

    private static PostgresConfig config(String[] settings) {
        return PostgresConfig.withOverrides(PostgresConfig.parsePairs(settings));
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
        TopologyHolder<T> holder = new TopologyHolder<>(kind.starter().apply(annotation), kind.reset().apply(annotation));
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

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        // Claims every testkit type, so that a missing annotation is explained below rather than
        // reported as a parameter nobody can resolve.
        return PROVIDED_BY.containsKey(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        TopologyHolder<?> holder = holderFor(type, context);
        if (holder == null && parameter.getDeclaringExecutable() instanceof java.lang.reflect.Constructor) {
            beforeAll(context);
            holder = holderFor(type, context);
        }
        if (holder == null) {
            throw new ParameterResolutionException(context.getRequiredTestClass().getSimpleName() + " asks for a "
                    + type.getSimpleName() + " but declares no such servers: annotate the class with "
                    + PROVIDED_BY.get(type).stream().map(a -> "@" + a.getSimpleName())
                            .collect(java.util.stream.Collectors.joining(" or ")) + ".");
        }
        Topology topology = holder.current();
        if (type == PostgresNode.class) {
            return ((PostgresCluster) topology).primary();
        }
        if (type == RedisNode.class) {
            return ((RedisServers) topology).node();
        }
        return topology;
    }

    /** Which declared topology provides a parameter of this type, if any. */
    private static TopologyHolder<?> holderFor(Class<?> type, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        for (Class<? extends Annotation> annotation : PROVIDED_BY.getOrDefault(type, List.of())) {
            TopologyHolder<?> holder = store.get(annotation, TopologyHolder.class);
            if (holder != null) {
                return holder;
            }
        }
        return null;
    }
}
