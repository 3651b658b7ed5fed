package dev.dbkata.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The replicas a router may read from and what it last learnt about each: whether it failed
 * recently, and how far behind it was. Hands them out in turn. Thread-safe.
 */
final class Rotation {

    private volatile List<DatabaseNode> replicas;
    private final long retryDownAfterNanos;
    private final long maxLagBytes;
    private final Map<DatabaseNode, Long> downUntilNanos = new ConcurrentHashMap<>();
    private final Map<DatabaseNode, Long> lagBytes = new ConcurrentHashMap<>();
    private final AtomicLong turn = new AtomicLong();

    Rotation(List<DatabaseNode> replicas, RouterSettings settings) {
        this.replicas = List.copyOf(replicas);
        this.retryDownAfterNanos = settings.retryDownAfter().toNanos();
        this.maxLagBytes = settings.maxLagBytes();
    }

    List<DatabaseNode> replicas() {
        return replicas;
    }

    /** Replicas that are neither down nor, at the last measurement, lagging beyond the bound. */
    List<DatabaseNode> inRotation() {
        return replicas.stream().filter(this::isUp).filter(r -> lagBytes.getOrDefault(r, 0L) <= maxLagBytes).toList();
    }

    /**
     * The up replicas that {@code eligible} accepts, starting with the one whose turn it is; each
     * call moves the turn on by one, so successive reads start on successive replicas.
     */
    List<DatabaseNode> inTurn(Predicate<DatabaseNode> eligible) {
        List<DatabaseNode> candidates = replicas.stream().filter(this::isUp).filter(eligible).toList();
        if (candidates.isEmpty()) {
            return candidates;
        }
        int first = (int) Math.floorMod(turn.getAndIncrement(), (long) candidates.size());
        List<DatabaseNode> ordered = new ArrayList<>(candidates.subList(first, candidates.size()));
        ordered.addAll(candidates.subList(0, first));
        return ordered;
    }

    boolean isWithinLagBound(DatabaseNode replica) {
        return lagBytes.getOrDefault(replica, 0L) <= maxLagBytes;
    }

    /** Up, or down long enough ago that it deserves another try. */
    boolean isUp(DatabaseNode replica) {
        Long until = downUntilNanos.get(replica);
        return until == null || System.nanoTime() - until >= 0;
    }

    void markDown(DatabaseNode replica) {
        downUntilNanos.put(replica, System.nanoTime() + retryDownAfterNanos);
    }

    void markUp(DatabaseNode replica) {
        downUntilNanos.remove(replica);
    }

    void recordLag(DatabaseNode replica, long bytes) {
        lagBytes.put(replica, bytes);
    }

    /** After a failover every replica still follows the old primary: none may serve reads. */
    void removeAll() {
        replicas = List.of();
    }
}
