package dev.dbkata.loadbalancing;

import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The power of two choices: draw two different candidates at random (with the given
 * {@link Random}), keep the one with fewer outstanding requests. With one candidate, that one.
 * Thread-safe.
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
        throw new UnsupportedOperationException("TODO(least-outstanding): draw two different candidates at random"
                + " and keep the one with fewer outstanding requests");
    }
}
