package dev.dbkata.testkit;

/** A set of servers that the extension keeps for a test class and mends between tests. */
interface Topology extends AutoCloseable {

    /**
     * Undoes the faults a test left behind: thaws frozen servers, restarts crashed ones, resumes
     * paused replay.
     *
     * @return false when only starting a new topology can restore it (a replica was promoted);
     *         throwing means the same
     */
    boolean heal();

    /** Removes what tests wrote: databases, schemas, roles, settings, statistics. */
    void resetData();

    /** Its PostgreSQL servers, whose statement logs show what a failing test sent; none by default. */
    default java.util.List<PostgresNode> postgresNodes() {
        return java.util.List.of();
    }

    @Override
    void close();
}
