package dev.dbkata.verticalhorizontalscaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbkata.testkit.Plan;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/*
 * Task parallel-query: the server is configured with parallel query off (no workers per Gather,
 * a prohibitive setup cost). Turn it on for one session, prove from the executed plan that
 * workers were planned and launched, and name from pg_proc why a second query cannot go parallel.
 *
 * Rejects:
 * - ALTER SYSTEM (or ALTER DATABASE / ROLE) instead of SET: other sessions change too, and
 *   postgresql.auto.conf gains lines;
 * - evidence that is not the plan's: workers claimed that the executed plan did not plan or launch;
 * - a plan that was only planned parallel (EXPLAIN without ANALYZE says nothing about launches);
 * - a blocker named from the query text alone (the first function it calls), not from
 *   pg_proc.proparallel;
 * - "parallel query is off" as the reason for the second query: it stays serial with it on.
 */
@Task(id = "parallel-query", title = "Parallel workers for one session, and why a query cannot use them", points = 2)
@WithPostgres(settings = {"max_parallel_workers_per_gather=0", "parallel_setup_cost=1000000"})
class ParallelQueryTest {

    static final String AGGREGATE = "SELECT currency, count(*), sum(amount) FROM sales GROUP BY currency";
    static final String WITH_FX = "SELECT sum(net_amount(amount) * fx_rate(currency)) FROM sales";

    @BeforeAll
    static void salesAndFunctions(PostgresNode postgres) {
        postgres.execute("""
                DROP TABLE IF EXISTS sales;
                CREATE TABLE sales (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, currency text NOT NULL);
                INSERT INTO sales SELECT g, (g % 1000) / 10.0, (ARRAY['EUR','USD','GBP'])[1 + g % 3]
                  FROM generate_series(1, 60000) g;
                ANALYZE sales;
                CREATE OR REPLACE FUNCTION net_amount(gross numeric) RETURNS numeric
                  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT gross / 1.2';
                CREATE OR REPLACE FUNCTION fx_rate(code text) RETURNS numeric
                  LANGUAGE sql STABLE AS 'SELECT CASE code WHEN ''EUR'' THEN 1.0 ELSE 0.9 END';
                """);
    }

    @AfterEach
    void undoAnyGlobalChange(PostgresNode postgres) {
        postgres.execute("ALTER SYSTEM RESET ALL; ALTER DATABASE postgres RESET ALL; ALTER ROLE postgres RESET ALL");
        postgres.queryValue("SELECT pg_reload_conf()", Boolean.class);
    }

    @Test
    @DisplayName("the aggregate runs with workers planned and launched, in this session only")
    void aggregateRunsInParallelInThisSession(PostgresNode postgres) throws SQLException {
        try (Connection session = postgres.connect()) {
            ParallelEvidence evidence = new ParallelQueries().runInParallel(session, AGGREGATE);

            JsonNode gather = gather(Plan.explainAnalyze(session, AGGREGATE));
            assertThat(gather)
                    .as("after the call, this session's executed plan of the aggregate must have a Gather node")
                    .isNotNull();
            assertThat(evidence.workersPlanned())
                    .as("workers planned, as the executed plan reports them (the test's own EXPLAIN ANALYZE says %s)",
                            gather.path("Workers Planned").asText())
                    .isPositive()
                    .isEqualTo(gather.path("Workers Planned").asInt());
            assertThat(evidence.workersLaunched())
                    .as("workers launched: read from EXPLAIN ANALYZE (a plain EXPLAIN only plans)")
                    .isPositive()
                    .isLessThanOrEqualTo(evidence.workersPlanned());
            assertThat(gather.path("Workers Launched").asInt())
                    .as("the test's own run of the aggregate in this session launched workers")
                    .isPositive();
        }
        assertSessionOnly(postgres);
    }

    @Test
    @DisplayName("the query that cannot go parallel is blamed on its parallel-unsafe function, from pg_proc")
    void blockerComesFromTheCatalog(PostgresNode postgres) throws SQLException {
        try (Connection session = postgres.connect()) {
            new ParallelQueries().runInParallel(session, AGGREGATE);
            assertThat(gather(Plan.explainAnalyze(session, WITH_FX)))
                    .as("with parallel query on in this session, the query calling fx_rate still has no Gather")
                    .isNull();

            ParallelBlocker blocker = new ParallelQueries().whyNotParallel(session, WITH_FX);

            assertThat(blocker.function())
                    .as("fx_rate was created without PARALLEL SAFE, so pg_proc.proparallel = 'u' forbids a parallel"
                            + " plan; net_amount is marked safe and is not the reason")
                    .isEqualTo("fx_rate");
            assertThat(blocker.proparallel()).as("fx_rate's pg_proc.proparallel").isEqualTo('u');
        }
        assertSessionOnly(postgres);
    }

    private static void assertSessionOnly(PostgresNode postgres) throws SQLException {
        assertThat(postgres.queryValue("SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'", Long.class))
                .as("parallel query is asked for one session: ALTER SYSTEM wrote postgresql.auto.conf, which changes every session")
                .isZero();
        assertThat(postgres.queryValue("SELECT count(*) FROM pg_db_role_setting", Long.class))
                .as("parallel query is asked for one session: ALTER DATABASE / ROLE ... SET changes every new session")
                .isZero();
        try (Connection other = postgres.connect()) {
            assertThat(gather(Plan.explainAnalyze(other, AGGREGATE)))
                    .as("another session must still run the aggregate serially: use SET in the session, not a global setting")
                    .isNull();
        }
    }

    private static JsonNode gather(Plan plan) {
        return plan.nodes().stream()
                .filter(n -> n.path("Node Type").asText().startsWith("Gather"))
                .findFirst().orElse(null);
    }
}
