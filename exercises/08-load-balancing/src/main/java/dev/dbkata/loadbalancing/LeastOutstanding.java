package dev.dbkata.loadbalancing;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Least outstanding requests: the candidate running the fewest requests at this moment, as
 * {@code outstanding} says (read it at every pick: a count remembered from earlier is stale).
 * Break ties so that an idle pool is used in turn, not always from its first server.
 * Thread-safe.
 */
public final class LeastOutstanding implements Picker {

    @Override
    public Server pick(List<Server> candidates, ToIntFunction<Server> outstanding) {
        throw new UnsupportedOperationException("TODO(least-outstanding): choose the candidate with the fewest"
                + " requests still running, read live from outstanding");
    }
}
