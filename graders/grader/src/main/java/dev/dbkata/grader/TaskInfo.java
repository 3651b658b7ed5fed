package dev.dbkata.grader;

import java.util.List;

/**
 * A task as its tests declare it ({@code @Task}), with the level already resolved against the
 * exercise's.
 *
 * @param testClasses the classes whose tests make up the task (the annotated one first)
 */
public record TaskInfo(String id, String title, Level level, int points, List<String> testClasses) {
}
