package dev.dbkata.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis servers for the test class, injected as {@link RedisNode} (the first) or
 * {@link RedisServers} (all). Started once per class; a frozen or crashed server is brought back
 * before the next test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(DatabaseExtension.class)
public @interface WithRedis {

    /** How many independent servers: {@code redis0} to {@code redis(count-1)}. */
    int count() default 1;

    /** Whether every server is flushed before each test. */
    Reset reset() default Reset.NEVER;
}
