package dev.dbkata.verticalhorizontalscaling;

/**
 * One point of a load test: {@code clients} sessions ran the same query back to back for
 * {@code seconds}, and the server counted {@code completed} executions of it.
 *
 * @param clients concurrent sessions (N)
 * @param completed executions of the query the server counted during the window
 * @param seconds the window's length
 * @param meanLatencyMs the mean time one execution took, as the clients saw it
 */
public record Measurement(int clients, long completed, double seconds, double meanLatencyMs) {

    public Measurement {
        if (clients < 1 || completed < 0 || !(seconds > 0)) {
            throw new IllegalArgumentException("Not a measurement: " + clients + " clients, "
                    + completed + " completed in " + seconds + " s");
        }
    }

    /** Executions per second, X(N). */
    public double throughput() {
        return completed / seconds;
    }
}
