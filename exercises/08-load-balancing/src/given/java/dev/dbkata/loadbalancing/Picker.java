package dev.dbkata.loadbalancing;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A balancing policy: chooses the server for one request.
 *
 * <p>Implementations are shared by every thread of a balancer, so they must be thread-safe: two
 * threads picking at once must be served as if one picked after the other.
 */
@FunctionalInterface
public interface Picker {

    /**
     * Chooses the server for the next request.
     *
     * @param candidates  the servers that may take a request now (healthy, not draining), never
     *                    empty, always in the order the balancer was given them; the set may change
     *                    from one call to the next as servers leave and come back
     * @param outstanding how many requests each server is running at this moment (started and not
     *                    finished), read live at every call
     * @return one of {@code candidates}
     */
    Server pick(List<Server> candidates, ToIntFunction<Server> outstanding);
}
