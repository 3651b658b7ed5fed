package dev.dbkata.testkit.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import dev.dbkata.testkit.Backends;
import dev.dbkata.testkit.LinklessClusters;
import dev.dbkata.testkit.Postgres;
import dev.dbkata.testkit.Redis;

/**
 * Measures how long the testkit takes to hand out ready servers: the figures in README.
 *
 * <p>Run it with {@code ./mvnw -q -pl testkit test-compile exec:exec@startup-benchmark}. The first
 * start of a JVM pays for class loading and, on a fresh machine, for unpacking the binaries and
 * running {@code initdb} once; it is reported apart. "Ready" means: accepts connections, has
 * {@code pg_stat_statements}, and for a cluster every replica streams and has replayed all WAL.
 */
public final class StartupBenchmark {

    private static final int RUNS = Integer.getInteger("runs", 7);

    private StartupBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("statement-log")) {
            statementLogOverhead();
            return;
        }
        System.out.println("backend: " + Backends.currentName() + " (" + Backends.reason() + "), "
                + Runtime.getRuntime().availableProcessors() + " cores, " + RUNS + " runs each");
        long first = time(() -> Postgres.server().start());
        System.out.printf("first server of the JVM (class loading, cache check): %d ms%n", first);
        report("one PostgreSQL server ready", measure(() -> Postgres.server().start()));
        report("primary + 2 streaming replicas ready", measure(() -> Postgres.cluster().withReplicas(2).start()));
        linkOverhead();
        statementLogOverhead();
        report("one Redis server ready", measure(() -> Redis.server().start()));
    }

    /**
     * What links cost at start: clusters with links (every node's, and replication through them)
     * against clusters without, alternating, so that load from other builds hits both alike.
     */
    private static void linkOverhead() {
        List<Long> with = new ArrayList<>();
        List<Long> without = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            without.add(time(() -> LinklessClusters.start(2)));
            with.add(time(() -> Postgres.cluster().withReplicas(2).start()));
        }
        Collections.sort(with);
        Collections.sort(without);
        report("  the same, without links (alternating)", without);
        report("  the same, with links (alternating)", with);
        long withMedian = with.get(with.size() / 2);
        long withoutMedian = without.get(without.size() / 2);
        System.out.printf("links add %d ms to the median cluster start (%+.1f%%)%n", withMedian - withoutMedian,
                100.0 * (withMedian - withoutMedian) / withoutMedian);
    }

    /**
     * What logging every statement ({@code log_statement = all}, the source of "what the database
     * saw") costs at start: servers and clusters with it against the same with {@code none},
     * alternating.
     */
    private static void statementLogOverhead() {
        List<Long> serverWith = new ArrayList<>();
        List<Long> serverWithout = new ArrayList<>();
        List<Long> clusterWith = new ArrayList<>();
        List<Long> clusterWithout = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            serverWithout.add(time(() -> Postgres.server().withSetting("log_statement", "none").start()));
            serverWith.add(time(() -> Postgres.server().start()));
            clusterWithout.add(time(() -> Postgres.cluster().withReplicas(2).withSetting("log_statement", "none").start()));
            clusterWith.add(time(() -> Postgres.cluster().withReplicas(2).start()));
        }
        for (List<Long> list : List.of(serverWith, serverWithout, clusterWith, clusterWithout)) {
            Collections.sort(list);
        }
        report("one server, log_statement=none (alt.)", serverWithout);
        report("one server, log_statement=all (alt.)", serverWith);
        report("cluster, log_statement=none (alt.)", clusterWithout);
        report("cluster, log_statement=all (alt.)", clusterWith);
    }

    private static List<Long> measure(Supplier<? extends AutoCloseable> start) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            millis.add(time(start));
        }
        Collections.sort(millis);
        return millis;
    }

    /** Milliseconds until {@code start} returned; stopping the servers is not counted. */
    private static long time(Supplier<? extends AutoCloseable> start) {
        long begin = System.nanoTime();
        AutoCloseable servers = start.get();
        long elapsed = (System.nanoTime() - begin) / 1_000_000;
        try {
            servers.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return elapsed;
    }

    private static void report(String what, List<Long> sorted) {
        System.out.printf("%-40s min %5d ms   median %5d ms   max %5d ms%n", what + ":",
                sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    }

}
