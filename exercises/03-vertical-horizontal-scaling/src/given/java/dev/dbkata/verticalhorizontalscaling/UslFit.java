package dev.dbkata.verticalhorizontalscaling;

/**
 * Gunther's Universal Scalability Law fitted to throughput:
 * X(N) = lambda * N / (1 + sigma * (N - 1) + kappa * N * (N - 1)).
 *
 * @param lambda throughput of one client (executions per second)
 * @param sigma contention: the share of work that queues for something shared
 * @param kappa coherency: the cost of keeping N workers consistent, growing with N squared
 * @param fitError root mean square of the relative residuals (X_model - X_measured) / X_measured
 */
public record UslFit(double lambda, double sigma, double kappa, double fitError) {

    /** The throughput the model predicts at {@code n} clients. */
    public double throughputAt(double n) {
        return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    }

    /** The concurrency of peak throughput, sqrt((1 - sigma) / kappa); infinite when kappa is 0. */
    public double peakConcurrency() {
        return kappa > 0 ? Math.sqrt((1 - sigma) / kappa) : Double.POSITIVE_INFINITY;
    }
}
