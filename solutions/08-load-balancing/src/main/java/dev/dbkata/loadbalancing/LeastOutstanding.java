package dev.dbkata.loadbalancing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Least outstanding requests: the candidate running the fewest requests right now. A slow server
 * keeps its requests longer, so it keeps a higher count and gets fewer new ones. Ties are broken
 * in turn, so an idle pool is used round robin rather than always from its first server.
 */
public final class LeastOutstanding implements Picker {

    private final AtomicInteger tieBreak = new AtomicInteger();

    @Override
    public Server pick(List<Server> candidates, ToIntFunction<Server> outstanding) {
        int n = candidates.size();
        int start = Math.floorMod(tieBreak.getAndIncrement(), n);
        Server best = null;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Server server = candidates.get((start + i) % n);
            int count = outstanding.applyAsInt(server);
            if (count < fewest) {
                best = server;
                fewest = count;
            }
        }
        return best;
    }
}
