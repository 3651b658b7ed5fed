package dev.dbkata.grader;

import java.util.Locale;

/**
 * The levels the grader scores separately. Mirrors the testkit's {@code Level}, which the
 * grader reads from bytecode by name rather than by loading learner classes.
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
