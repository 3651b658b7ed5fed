package dev.dbkata.captheorem;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

/** Runs the probe with a bound: a probe that waits for the replica instead of reporting fails, it does not hang. */
final class TimeBoundProbe {

    static final Duration BOUND = Duration.ofSeconds(4);

    private TimeBoundProbe() {
    }

    static Staleness check(StalenessProbe probe, WalPosition commit) {
        return assertTimeoutPreemptively(BOUND, () -> probe.check(commit),
                () -> "the probe did not answer within " + BOUND.toSeconds() + " s: it must report how stale the"
                        + " replica is at once, not wait until the replica catches up (under a partition it never does)");
    }
}
