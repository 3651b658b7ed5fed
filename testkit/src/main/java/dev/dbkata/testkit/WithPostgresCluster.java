package dev.dbkata.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A PostgreSQL primary with streaming replicas for the test class, injected as
 * {@link PostgresCluster}.
 *
 * <p>The servers start once, before the first test of the class, and stop after the last. Faults a
 * test leaves behind (a frozen or crashed server, paused replay) are undone before the next test;
 * a promoted replica makes the next test get a new topology.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(DatabaseExtension.class)
public @interface WithPostgresCluster {

    /** How many hot-standby replicas follow the primary. */
    int replicas() default 2;

    /** How many synchronous standbys a commit waits for: the first ones, or any of them (see {@link #syncMethod()}). */
    int synchronousStandbys() default 0;

    /**
     * {@link SyncMethod#FIRST}: the first {@link #synchronousStandbys()} replicas, by priority;
     * {@link SyncMethod#ANY}: any {@link #synchronousStandbys()} of all replicas, by quorum.
     */
    SyncMethod syncMethod() default SyncMethod.FIRST;

    /** Extra {@code postgresql.conf} settings as {@code name=value}, such as {@code "work_mem=64MB"}. */
    String[] settings() default {};

    /** Whether data is wiped before each test. */
    Reset reset() default Reset.NEVER;
}
