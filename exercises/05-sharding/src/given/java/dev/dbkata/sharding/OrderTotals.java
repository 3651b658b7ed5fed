package dev.dbkata.sharding;

/**
 * Figures over every order of every shard.
 *
 * @param orders       how many orders there are
 * @param sumCents     the sum of their amounts
 * @param averageCents the average amount of one order (0 when there is none)
 */
public record OrderTotals(long orders, long sumCents, double averageCents) {
}
