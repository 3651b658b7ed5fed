package dev.dbkata.monitoring;

import java.util.Objects;

/**
 * One normalised statement and what it cost, as {@code pg_stat_statements} counts it.
 *
 * @param queryId     the server's {@code queryid}: one id per normalised statement
 * @param query       the text as the server normalised it (constants replaced by {@code $1}, ...)
 * @param calls       how many times it ran
 * @param totalMillis execution time summed over all calls, in milliseconds
 * @param meanMillis  execution time per call, in milliseconds
 * @param rows        rows returned or affected, summed over all calls
 */
public record StatementCost(long queryId, String query, long calls, double totalMillis, double meanMillis, long rows) {

    public StatementCost {
        Objects.requireNonNull(query, "query");
    }
}
