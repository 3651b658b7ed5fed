package dev.dbkata.warehouse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * Task columnar-vs-row (reference): warm both engines up, then alternate them run by run, time
 * each run with the same clock the same way, check every answer against the first, and report
 * medians.
 */
public final class BenchmarkHarness {

    public static final int WARM_UP_RUNS = 1;
    public static final int TIMED_RUNS = 5;

    private final LongSupplier nanoClock;

    public BenchmarkHarness(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    public <T> Comparison<T> compare(String firstName, Callable<T> first, String secondName, Callable<T> second) {
        T expected = null;
        boolean haveExpected = false;
        List<Long> firstSamples = new ArrayList<>();
        List<Long> secondSamples = new ArrayList<>();
        for (int run = 0; run < WARM_UP_RUNS + TIMED_RUNS; run++) {
            boolean timed = run >= WARM_UP_RUNS;
            for (int engine = 0; engine < 2; engine++) {
                String name = engine == 0 ? firstName : secondName;
                Callable<T> query = engine == 0 ? first : second;
                long start = nanoClock.getAsLong();
                T answer;
                try {
                    answer = query.call();
                } catch (Exception e) {
                    throw new IllegalStateException(name + " failed on run " + (run + 1) + ": " + e.getMessage(), e);
                }
                long took = nanoClock.getAsLong() - start;
                if (!haveExpected) {
                    expected = answer;
                    haveExpected = true;
                } else if (!Objects.equals(expected, answer)) {
                    throw new IllegalStateException(name + " answered differently on run " + (run + 1) + " than "
                            + firstName + " did first: the two engines must answer the same question");
                }
                if (timed) {
                    (engine == 0 ? firstSamples : secondSamples).add(took);
                }
            }
        }
        return new Comparison<>(expected, timing(firstName, firstSamples), timing(secondName, secondSamples));
    }

    private static Timing timing(String engine, List<Long> samples) {
        List<Long> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        int n = sorted.size();
        long median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Timing(engine, samples, median);
    }
}
