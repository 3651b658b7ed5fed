package dev.dbkata.loadbalancing;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * Plain round robin, the policy the team started with: each candidate in turn, whatever its
 * weight or load. Given as an example of a {@link Picker}, and as the baseline the tests compare
 * against (a slow server still gets a third of the requests).
 */
public final class RoundRobin implements Picker {

    private final AtomicLong turn = new AtomicLong();

    @Override
    public Server pick(List<Server> candidates, ToIntFunction<Server> outstanding) {
        return candidates.get((int) Math.floorMod(turn.getAndIncrement(), (long) candidates.size()));
    }
}
