package dev.dbkata.testkit;

/** Whether the servers of a test class are emptied before each test. */
public enum Reset {
    /** Tests of the class share data: the first test's tables are there for the second. */
    NEVER,
    /**
     * Before each test: databases, schemas, roles, {@code ALTER SYSTEM} settings and statistics
     * ({@code pg_stat_statements}, table counters) are reset; Redis is flushed.
     */
    BEFORE_EACH_TEST
}
