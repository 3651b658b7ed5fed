package dev.dbkata.warehouse;

import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * Times the same question on two engines fairly, so that "B is 5 times faster than A" means
 * something.
 *
 * <p>The protocol (the tests hold you to it exactly):
 * <ol>
 *   <li>{@link #WARM_UP_RUNS} untimed run of each engine first, first engine then second: caches,
 *       plans and JIT settle; a cold run measures the disk, not the engine.</li>
 *   <li>Then {@link #TIMED_RUNS} rounds; each round runs the first engine, then the second. Alternating
 *       means a burst of load on the machine hits both engines alike, instead of one engine's runs.</li>
 *   <li>Every run is timed the same way: read the clock just before calling the engine and just after
 *       it returns, nothing else in between.</li>
 *   <li>Every answer, warm-up included, must equal the first answer ({@link Object#equals}): engines that
 *       answer differently are answering different questions.</li>
 *   <li>Each engine's result is the median of its timed runs; one stalled run moves a mean, not a median.</li>
 * </ol>
 *
 * <p>So the engines are called exactly {@code 2 * (WARM_UP_RUNS + TIMED_RUNS)} times, strictly
 * alternating, first engine first. Calls happen on the caller's thread.
 */
public final class BenchmarkHarness {

    public static final int WARM_UP_RUNS = 1;
    public static final int TIMED_RUNS = 5;

    private final LongSupplier nanoClock;

    /** @param nanoClock the clock, in nanoseconds ({@code System::nanoTime} in production) */
    public BenchmarkHarness(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Runs the protocol above.
     *
     * @return the agreed answer and each engine's samples (its timed runs, in order) and median
     * @throws IllegalStateException when an engine throws, or answers differently from the first answer
     */
    public <T> Comparison<T> compare(String firstName, Callable<T> first, String secondName, Callable<T> second) {
        throw new UnsupportedOperationException("TODO(columnar-vs-row): warm up each engine untimed, then alternate them"
                + " for five timed runs each, check every answer, and report medians");
    }
}
