package dev.dbkata.grader;

import java.util.Locale;

/**
 * The levels the grader scores separately. Mirrors the testkit's {@code Level}: the grader reads
 * the constant's name from the {@code @Exercise} and {@code @Task} annotations in the test
 * sources ({@link TaskCatalog}), so it needs no compiled or loaded class to know a task's level.
 */
public enum Level {
    BEGINNER,
    INTERMEDIATE,
    ADVANCED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String title() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
}
