package dev.dbkata.verticalhorizontalscaling;

import java.sql.Connection;
import java.sql.SQLException;

/** Parallel query for one session: turn it on, prove it from the plan, and say why a query cannot use it. */
public final class ParallelQueries {

    /**
     * Lets this session, and only this session, plan {@code sql} with parallel workers (the server
     * is configured with none), runs it with {@code EXPLAIN (ANALYZE, FORMAT JSON)} and reports its
     * Gather (or Gather Merge) node. Other sessions must keep planning serially.
     *
     * @throws IllegalStateException if the executed plan has no Gather or Gather Merge node
     */
    public ParallelEvidence runInParallel(Connection session, String sql) throws SQLException {
        throw new UnsupportedOperationException("TODO(parallel-query): SET this session's parallel settings,"
                + " run EXPLAIN (ANALYZE, FORMAT JSON) and report Workers Planned and Workers Launched");
    }

    /**
     * The function that keeps {@code sql} from running in parallel, from {@code pg_proc}: a function
     * the query calls whose {@code proparallel} is {@code 'u'} (unsafe), or else {@code 'r'}
     * (restricted). The plan does not say why it stayed serial; the catalog does.
     *
     * @throws IllegalArgumentException if nothing the query calls is unsafe or restricted
     */
    public ParallelBlocker whyNotParallel(Connection session, String sql) throws SQLException {
        throw new UnsupportedOperationException("TODO(parallel-query): find the function the query calls whose"
                + " pg_proc.proparallel forbids a parallel plan");
    }
}
