package dev.dbkata.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class as the tests of one task of an exercise. A task is passed when every test in
 * the class (and in its {@code @Nested} classes) passes; it then earns its {@link #points()}.
 *
 * <pre>{@code
 * @Task(id = "range-by-month", title = "Range partitions by month", points = 3)
 * @WithPostgres
 * class RangeByMonthTest { ... }
 * }</pre>
 *
 * <p>The grader finds tasks through the JUnit Platform: this annotation is the only catalogue.
 * Ids are kebab-case and unique within an exercise, and stay stable once published, since reports
 * and progress are keyed by them.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Task {

    /** Stable kebab-case id, unique within the exercise: {@code read-write-split}. */
    String id();

    /** A short title for reports: "Reads on replicas, writes on the primary". */
    String title();

    /** How hard the task is; by default the level of its {@link Exercise}. */
    Level level() default Level.OF_EXERCISE;

    /** What the task is worth, 1 to 5, by effort. */
    int points();
}
