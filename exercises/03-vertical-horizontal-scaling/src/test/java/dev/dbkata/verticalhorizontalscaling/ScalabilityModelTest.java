package dev.dbkata.verticalhorizontalscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task scalability-model: fit Amdahl's law and Gunther's Universal Scalability Law to throughput
 * measured at 1, 2, 4, 8 and 16 clients, and predict the concurrency of peak throughput.
 * Synthetic points with known parameters (and a little noise) check the fit; a real measurement on
 * PostgreSQL checks that the points come from the server's counts and that the reported fit error
 * is the model's.
 *
 * Rejects:
 * - a fit on the wrong axis: latency (or its inverse) instead of throughput;
 * - a fit that cannot recover known parameters within 5% (a plain average of per-point sigmas,
 *   kappa forced to 0, lambda taken as the mean throughput);
 * - a peak concurrency that is not sqrt((1 - sigma) / kappa);
 * - a fit error that is not the model's residual on the measured points;
 * - measured points whose counts are not the server's (pg_stat_statements calls in the window).
 */
@Task(id = "scalability-model", title = "Fit Amdahl and the USL to throughput, and predict the peak", points = 3)
@WithPostgres
class ScalabilityModelTest {

    static final int[] CLIENTS = {1, 2, 4, 8, 16};
    /** Deterministic "noise" of a few tenths of a percent, the same every run. */
    static final double[] NOISE = {1.0, 1.003, 0.997, 1.002, 0.998};

    /** Points a server with these parameters would give; latency follows from Little's law, N = X R. */
    static List<Measurement> synthetic(double lambda, double sigma, double kappa) {
        List<Measurement> points = new ArrayList<>();
        for (int i = 0; i < CLIENTS.length; i++) {
            int n = CLIENTS[i];
            double x = NOISE[i] * lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
            double seconds = 10;
            points.add(new Measurement(n, Math.round(x * seconds), seconds, 1000.0 * n / x));
        }
        return points;
    }

    @Test
    @DisplayName("the USL recovers known sigma and kappa within 5% and predicts the peak's concurrency")
    void uslRecoversKnownParameters() {
        double sigma = 0.05;
        double kappa = 0.002;
        List<Measurement> points = synthetic(1000, sigma, kappa);

        UslFit fit = ScalabilityModel.fitUsl(points);

        assertThat(fit.lambda()).as("lambda is the one-client throughput, X(1) = 1000/s (not a latency)")
                .isCloseTo(1000, within(50.0));
        assertThat(fit.sigma())
                .as("sigma (contention) of points made with sigma = %s, kappa = %s; a fit of latency instead of"
                        + " throughput, or one that forces kappa to 0, misses it. The fit gave sigma = %s, kappa = %s",
                        sigma, kappa, fit.sigma(), fit.kappa())
                .isCloseTo(sigma, within(sigma * 0.05));
        assertThat(fit.kappa())
                .as("kappa (coherency) of points made with kappa = %s; the fit gave %s", kappa, fit.kappa())
                .isCloseTo(kappa, within(kappa * 0.05));
        double truePeak = Math.sqrt((1 - sigma) / kappa);
        assertThat(fit.peakConcurrency())
                .as("throughput peaks at N* = sqrt((1 - sigma) / kappa) = %.1f clients", truePeak)
                .isCloseTo(truePeak, within(truePeak * 0.05));
        assertThat(fit.fitError()).as("the relative RMS error of a good fit on near-exact points").isLessThan(0.01);

        AmdahlFit amdahl = ScalabilityModel.fitAmdahl(points);
        assertThat(amdahl.fitError())
                .as("Amdahl's law has no coherency term, so it cannot bend down after a peak: its error (%.4f) must"
                        + " exceed the USL's (%.4f)", amdahl.fitError(), fit.fitError())
                .isGreaterThan(fit.fitError());
    }

    @Test
    @DisplayName("Amdahl's law recovers a known serial fraction; the USL then finds no coherency cost and no peak")
    void amdahlRecoversKnownSerialFraction() {
        double sigma = 0.08;
        List<Measurement> points = synthetic(500, sigma, 0);

        AmdahlFit amdahl = ScalabilityModel.fitAmdahl(points);
        UslFit usl = ScalabilityModel.fitUsl(points);

        assertThat(amdahl.sigma())
                .as("the serial fraction of points made with sigma = %s (fitted on throughput, not latency)", sigma)
                .isCloseTo(sigma, within(sigma * 0.05));
        assertThat(amdahl.throughputAt(16)).as("Amdahl's prediction at 16 clients")
                .isCloseTo(points.get(4).throughput(), within(points.get(4).throughput() * 0.02));
        assertThat(usl.kappa()).as("no coherency cost in these points: kappa ~ 0, never negative")
                .isBetween(0.0, 0.0002);
        assertThat(usl.peakConcurrency()).as("with kappa ~ 0 the peak is far beyond the measured range")
                .isGreaterThan(60.0);
    }

    @Test
    @DisplayName("a real measurement at 1..16 clients counts executions on the server and reports the fit's own error")
    void realMeasurementFromTheServersCounts(PostgresNode postgres) throws SQLException {
        String sql = "SELECT /* usl-probe */ count(*) FROM generate_series(1, 3000) g WHERE g % 7 = 3";
        List<Measurement> points = new ArrayList<>();
        for (int clients : CLIENTS) {
            postgres.statements().reset();
            Measurement m = ScalabilityModel.measure(postgres.dataSource(), postgres::connect, sql, clients,
                    Duration.ofMillis(250));
            long counted = postgres.statements().callsContaining("usl-probe");
            assertThat(m.clients()).as("the measurement's concurrency").isEqualTo(clients);
            assertThat(m.completed())
                    .as("at %d clients the server counted %d executions since the reset (the window's, plus a few before"
                            + " it: warm-ups, the query id lookup); the measurement reports %d: count on the server", clients, counted,
                            m.completed())
                    .isPositive()
                    .isBetween(counted - 2L * clients - 2, counted);
            points.add(m);
        }

        UslFit fit = ScalabilityModel.fitUsl(points);

        assertThat(fit.sigma()).as("sigma is a fraction").isBetween(0.0, 1.0);
        assertThat(fit.kappa()).as("kappa is never negative").isGreaterThanOrEqualTo(0.0);
        assertThat(fit.lambda()).as("lambda is the measured one-client throughput %.1f/s", points.get(0).throughput())
                .isCloseTo(points.get(0).throughput(), within(points.get(0).throughput() * 0.10));
        double rms = 0;
        for (Measurement m : points) {
            double r = (fit.throughputAt(m.clients()) - m.throughput()) / m.throughput();
            rms += r * r;
        }
        rms = Math.sqrt(rms / points.size());
        assertThat(fit.fitError())
                .as("the reported fit error must be the model's relative RMS residual on the measured throughput (%.4f);"
                        + " points %s", rms, points)
                .isCloseTo(rms, within(1e-6 + rms * 0.01));
    }
}
