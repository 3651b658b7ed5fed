package dev.dbkata.testkit;

/**
 * Where a promoted server's timeline branched off the one a replica is on, read from the
 * timeline history file PostgreSQL writes at promotion ({@code pg_wal/0000000N.history}).
 */
final class Timelines {

    /**
     * @param switchPoint where {@code oldTimeline} ended on the new primary's history; null when
     *                    the replica is already on {@code newTimeline}
     */
    record Branch(int oldTimeline, int newTimeline, Lsn switchPoint) {
    }

    private Timelines() {
    }

    static Branch branchOf(PostgresNode newPrimary, int replicaTimeline) {
        int current = newPrimary.timeline();
        if (current == replicaTimeline) {
            return new Branch(replicaTimeline, current, null);
        }
        String history = newPrimary.queryValue("/* dbkata */ SELECT pg_read_file(?)", String.class,
                String.format("pg_wal/%08X.history", current));
        Lsn switchPoint = switchPoint(history, replicaTimeline);
        if (switchPoint == null) {
            throw new IllegalStateException(newPrimary.name() + "'s timeline " + current + " does not descend from timeline "
                    + replicaTimeline + ", which the replica is on: they are different histories, and no replica can follow");
        }
        return new Branch(replicaTimeline, current, switchPoint);
    }

    /**
     * The LSN where {@code timeline} ended, from a history file: one line per ancestor,
     * {@code parentTLI <tab> switchpoint <tab> reason}; null when it is not an ancestor.
     */
    static Lsn switchPoint(String history, int timeline) {
        for (String line : history.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length >= 2 && Integer.parseInt(fields[0]) == timeline) {
                return Lsn.parse(fields[1]);
            }
        }
        return null;
    }
}
