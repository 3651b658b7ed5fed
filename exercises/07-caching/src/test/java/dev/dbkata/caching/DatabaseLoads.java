package dev.dbkata.caching;

import java.util.Locale;

import dev.dbkata.testkit.PostgresNode;

/**
 * How many times PostgreSQL answered a SELECT on the product table, from pg_stat_statements: the
 * server's count, not the code's own opinion of itself.
 */
final class DatabaseLoads {

    private DatabaseLoads() {
    }

    static void reset(PostgresNode postgres) {
        postgres.statements().reset();
    }

    static long count(PostgresNode postgres) {
        return postgres.statements().calls(query -> {
            String q = query.stripLeading().toLowerCase(Locale.ROOT);
            return q.startsWith("select") && q.contains("product");
        });
    }
}
