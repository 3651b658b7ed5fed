package dev.dbkata.grader;

import java.util.List;

/**
 * How one exercise did: its tasks' results, and what went wrong for the exercise as a whole
 * (a compile error, a fair-play violation, a JVM that exited), if anything.
 */
public record ExerciseResult(ExerciseInfo exercise, List<TaskResult> tasks, long durationMs, String problem) {

    public int earned() {
        return tasks.stream().mapToInt(TaskResult::earned).sum();
    }

    public int possible() {
        return exercise.possiblePoints();
    }

    public long passedTasks() {
        return tasks.stream().filter(t -> t.earned() > 0).count();
    }
}
