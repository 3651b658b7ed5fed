package dev.dbkata.testkit;

/**
 * How hard a task or an exercise is. The grader scores each level separately, so a learner sees
 * "Beginner 100%, Intermediate 40%" rather than one number that hides where they stand.
 */
public enum Level {
    BEGINNER,
    INTERMEDIATE,
    ADVANCED,
    /** Only as {@link Task#level()}'s default: the task is as hard as its {@link Exercise}. */
    OF_EXERCISE;

    /** The name a report shows: {@code beginner}, {@code intermediate}, {@code advanced}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
