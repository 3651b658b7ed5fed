package dev.dbkata.loadbalancing;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Smooth weighted round robin. With weights 5:1:1, every 7 consecutive picks choose the first
 * server exactly 5 times and the others once each, and the heavy server's turns are spread out
 * (never five in a row); with equal weights it is plain round robin.
 *
 * <p>The candidates may change between calls (a server ejected or draining is left out): pick
 * only among those given, with their weights, and carry on where each server was when it comes
 * back. Thread-safe: concurrent picks must behave as one sequence.
 */
public final class SmoothWeightedRoundRobin implements Picker {

    @Override
    public Server pick(List<Server> candidates, ToIntFunction<Server> outstanding) {
        throw new UnsupportedOperationException("TODO(weighted-round-robin): choose among the candidates by"
                + " smooth weighted round robin, exactly 5:1:1 in every 7 picks for weights 5:1:1");
    }
}
