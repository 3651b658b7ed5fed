package dev.dbkata.loadbalancing;

import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The power of two choices (Mitzenmacher): two candidates drawn at random, the one with fewer
 * outstanding requests wins. Almost as good as scanning every server for the least loaded, with
 * two reads instead of n, and no herd: balancers that share stale counts do not all pile onto the
 * same "least loaded" server.
 */
public final class PowerOfTwoChoices implements Picker {

    private final Random random;

    public PowerOfTwoChoices(Random random) {
        this.random = random;
    }

    public PowerOfTwoChoices() {
        this(new Random());
    }

    @Override
    public Server pick(List<Server> candidates, ToIntFunction<Server> outstanding) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        int first = random.nextInt(n);
        int second = random.nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        Server a = candidates.get(first);
        Server b = candidates.get(second);
        return outstanding.applyAsInt(b) < outstanding.applyAsInt(a) ? b : a;
    }
}
