package dev.dbkata.warehouse;

/**
 * The outcome of timing the same question on two engines.
 *
 * @param result the answer both engines gave (they must agree)
 * @param first  the timing of the first engine
 * @param second the timing of the second engine
 * @param <T>    the type of the answer
 */
public record Comparison<T>(T result, Timing first, Timing second) {

    /** How many times faster the second engine was: the first's median over the second's. */
    public double speedup() {
        return (double) first.median() / Math.max(1L, second.median());
    }
}
