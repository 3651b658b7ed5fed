package dev.dbkata.monitoring;

import java.util.List;
import java.util.Map;

/**
 * What the {@link IndexAdvisor} did and its proof.
 *
 * @param indexes       the {@code CREATE INDEX} statements it chose and created, as given in the candidates
 * @param buffersBefore shared buffers (hit + read) per execution of each workload query before, keyed
 *                      by the query text, in workload order
 * @param buffersAfter  the same, measured again once the chosen indexes exist
 */
public record Advice(List<String> indexes, Map<String, Long> buffersBefore, Map<String, Long> buffersAfter) {

    public Advice {
        indexes = List.copyOf(indexes);
        buffersBefore = Map.copyOf(buffersBefore);
        buffersAfter = Map.copyOf(buffersAfter);
    }
}
