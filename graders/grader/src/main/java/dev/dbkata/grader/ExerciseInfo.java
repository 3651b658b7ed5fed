package dev.dbkata.grader;

import java.util.List;

/**
 * An exercise and its tasks, as read from its compiled tests.
 *
 * @param id    the exercise folder's name, such as {@code 04-partitioning}
 * @param tasks in the order the exercise's README lists them (by test class name when unknown)
 */
public record ExerciseInfo(String id, String title, Level level, List<TaskInfo> tasks) {

    public int possiblePoints() {
        return tasks.stream().mapToInt(TaskInfo::points).sum();
    }
}
