package dev.dbkata.loadbalancing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Smooth weighted round robin, as nginx does it: every server carries a running score; each pick
 * adds every candidate's weight to its score, takes the highest score, and takes the total of the
 * weights off the winner. Over any cycle of (sum of weights) picks each server is chosen exactly
 * its weight's times, and the heavy server's picks are spread out instead of bunched.
 */
public final class SmoothWeightedRoundRobin implements Picker {

    /** Scores by server name; kept for servers that leave the candidates, so they resume where they were. */
    private final Map<String, Integer> scores = new HashMap<>();

    @Override
    public synchronized Server pick(List<Server> candidates, ToIntFunction<Server> outstanding) {
        Server best = null;
        int bestScore = Integer.MIN_VALUE;
        int total = 0;
        for (Server server : candidates) {
            int score = scores.getOrDefault(server.name(), 0) + server.weight();
            scores.put(server.name(), score);
            total += server.weight();
            if (score > bestScore) {
                best = server;
                bestScore = score;
            }
        }
        scores.put(best.name(), bestScore - total);
        return best;
    }
}
