package dev.dbkata.warehouse;

import java.util.List;

/**
 * How long one engine took, run after run.
 *
 * @param engine  the name the caller gave the engine
 * @param samples the duration of each timed run, in nanoseconds, in the order they ran (warm-up
 *                runs are not samples)
 * @param median  the median of {@code samples}, in nanoseconds
 */
public record Timing(String engine, List<Long> samples, long median) {

    public Timing {
        samples = List.copyOf(samples);
    }
}
