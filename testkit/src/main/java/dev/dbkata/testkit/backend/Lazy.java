package dev.dbkata.testkit.backend;

import java.util.function.Supplier;

/**
 * A value computed on first use, once, however many threads ask: for the testkit's per-JVM
 * singletons (the backend, the unpacked binaries, the template, the run folder).
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> compute;
    private volatile T value;

    private Lazy(Supplier<T> compute) {
        this.compute = compute;
    }

    public static <T> Lazy<T> of(Supplier<T> compute) {
        return new Lazy<>(compute);
    }

    @Override
    public T get() {
        T found = value;
        if (found == null) {
            synchronized (this) {
                if (value == null) {
                    value = compute.get();
                }
                found = value;
            }
        }
        return found;
    }
}
