package dev.dbkata.grader;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A whole grading run: every exercise graded, with totals per level and overall.
 *
 * @param backend where the servers ran: {@code embedded} or {@code docker}
 * @param target  what was graded: {@code exercises}, {@code solutions} or {@code submission}
 */
public record Report(String backend, String target, List<ExerciseResult> exercises) {

    /** Bumped on any change to the JSON report's shape; see graders/grader/README.md. */
    public static final int SCHEMA_VERSION = 1;

    public record Points(int earned, int possible) {

        public double percent() {
            return possible == 0 ? 0 : Math.floor(1000.0 * earned / possible) / 10;
        }

        Points plus(int moreEarned, int morePossible) {
            return new Points(earned + moreEarned, possible + morePossible);
        }
    }

    /** Earned and possible points per level, over tasks (a task may be harder than its exercise). */
    public Map<Level, Points> byLevel() {
        Map<Level, Points> levels = new EnumMap<>(Level.class);
        for (Level level : Level.values()) {
            levels.put(level, new Points(0, 0));
        }
        for (ExerciseResult exercise : exercises) {
            for (TaskResult task : exercise.tasks()) {
                levels.merge(task.task().level(), new Points(task.earned(), task.task().points()),
                        (a, b) -> a.plus(b.earned(), b.possible()));
            }
        }
        return levels;
    }

    public Points score() {
        Points total = new Points(0, 0);
        for (ExerciseResult exercise : exercises) {
            total = total.plus(exercise.earned(), exercise.possible());
        }
        return total;
    }
}
