package dev.dbkata.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an exercise and its level, on the {@code package-info.java} of its test package:
 *
 * <pre>{@code
 * @Exercise(title = "Database partitioning", level = Level.INTERMEDIATE)
 * package dev.dbkata.partitioning;
 * }</pre>
 *
 * <p>A {@link Task} without a level of its own takes this one. The grader reads it from the
 * package of each test class (or the nearest enclosing package that has it), so the exercise's
 * metadata lives beside its tests and cannot drift from them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PACKAGE, ElementType.TYPE})
public @interface Exercise {

    /** The exercise's title, as the roadmap names the topic. */
    String title();

    /** Beginner, Intermediate or Advanced; never {@link Level#OF_EXERCISE}. */
    Level level();
}
