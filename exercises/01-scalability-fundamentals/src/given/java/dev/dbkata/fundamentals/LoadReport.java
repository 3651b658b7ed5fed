package dev.dbkata.fundamentals;

import java.time.Duration;

/**
 * What one load run measured. Only requests of the measured window count in the figures; the
 * warm-up's are counted apart, so that every request the runner sent is in exactly one of the
 * two counts.
 *
 * @param warmUpRequests requests sent during the warm-up (completed, measured by no figure below)
 * @param requests       requests of the measured window
 * @param throughput     measured requests per second of the measured window
 * @param mean           the mean latency of the measured requests
 * @param p50            the median latency (half the requests took at most this long)
 * @param p95            95% of the requests took at most this long
 * @param p99            99% of the requests took at most this long
 * @param max            the slowest measured request
 */
public record LoadReport(long warmUpRequests, long requests, double throughput, Duration mean, Duration p50,
                         Duration p95, Duration p99, Duration max) {

    @Override
    public String toString() {
        return String.format("%d requests (+%d warm-up), %.1f/s, mean %.2f ms, p50 %.2f ms, p95 %.2f ms,"
                        + " p99 %.2f ms, max %.2f ms", requests, warmUpRequests, throughput, ms(mean), ms(p50),
                ms(p95), ms(p99), ms(max));
    }

    private static double ms(Duration d) {
        return d == null ? Double.NaN : d.toNanos() / 1e6;
    }
}
