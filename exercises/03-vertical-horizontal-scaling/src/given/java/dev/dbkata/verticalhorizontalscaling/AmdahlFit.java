package dev.dbkata.verticalhorizontalscaling;

/**
 * Amdahl's law fitted to throughput: X(N) = lambda * N / (1 + sigma * (N - 1)).
 *
 * @param lambda throughput of one client (executions per second)
 * @param sigma the serial fraction, contention (0 = perfectly parallel)
 * @param fitError root mean square of the relative residuals (X_model - X_measured) / X_measured
 */
public record AmdahlFit(double lambda, double sigma, double fitError) {

    /** The throughput the model predicts at {@code n} clients. */
    public double throughputAt(double n) {
        return lambda * n / (1 + sigma * (n - 1));
    }
}
