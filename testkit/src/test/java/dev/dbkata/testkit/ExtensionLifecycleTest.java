package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small test classes through the JUnit engine and checks what the extension did around them. */
class ExtensionLifecycleTest {

    static final List<Integer> PORTS = new ArrayList<>();
    static final List<Integer> REDIS_PORTS = new ArrayList<>();
    static final List<Integer> LINK_PORTS = new ArrayList<>();
    static final List<Thread> LINK_THREADS = new ArrayList<>();

    @WithPostgres
    @WithRedis
    static class UsesServers {
        @Test
        void first(PostgresNode postgres, RedisNode redis) {
            PORTS.add(postgres.port());
            REDIS_PORTS.add(redis.port());
            LINK_PORTS.add(postgres.linkPort());
            LINK_PORTS.add(redis.linkPort());
            Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().startsWith(dev.dbkata.testkit.network.Network.THREAD_PREFIX))
                    .forEach(LINK_THREADS::add);
        }

        @Test
        void second(PostgresNode postgres) {
            PORTS.add(postgres.port());
        }

        @Nested
        class Inner {
            @Test
            void seesTheSameServer(PostgresNode postgres) {
                PORTS.add(postgres.port());
            }
        }
    }

    @WithPostgres
    static class FailsInBeforeAll {
        @BeforeAll
        static void recordThenFail(PostgresNode postgres) {
            PORTS.add(postgres.port());
            throw new IllegalStateException("set-up broke");
        }

        @Test
        void neverRuns() {
        }
    }

    @WithPostgres
    @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
    static class ConstructorInjection {
        private final PostgresNode postgres;

        ConstructorInjection(PostgresNode postgres) {
            this.postgres = postgres;
        }

        @Test
        void sameServerAsTheParameter(PostgresNode parameter) {
            PORTS.add(postgres.port());
            PORTS.add(parameter.port());
        }
    }

    static class AsksForUndeclaredServers {
        @Test
        @org.junit.jupiter.api.extension.ExtendWith(DatabaseExtension.class)
        void wantsAServer(PostgresNode postgres) {
        }
    }

    @WithPostgres(settings = "shared_buffers=plenty")
    static class ServersThatCannotStart {
        @Test
        void neverRuns(PostgresNode postgres) {
        }
    }

    @WithPostgres(reset = Reset.BEFORE_EACH_TEST)
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
    static class MakesTheResetImpossible {
        @Test
        @org.junit.jupiter.api.Order(1)
        void locksEveryoneOut(PostgresNode postgres) throws java.sql.SQLException {
            // From another database: PostgreSQL refuses this for the database one is connected to.
            try (java.sql.Connection other = java.sql.DriverManager.getConnection(
                    "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/template1", "postgres", "");
                 java.sql.Statement s = other.createStatement()) {
                s.execute("ALTER DATABASE postgres WITH ALLOW_CONNECTIONS false");
            }
        }

        @Test
        @org.junit.jupiter.api.Order(2)
        void cannotBePreparedFor(PostgresNode postgres) {
        }
    }

    private static Throwable firstFailure(Events events) {
        return events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
    }

    private static Events run(Class<?> testClass) {
        PORTS.clear();
        REDIS_PORTS.clear();
        LINK_PORTS.clear();
        LINK_THREADS.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }


    @Test
    @DisplayName("one server per class, shared by its tests and @Nested tests, stopped after the class")
    void serversLiveAsLongAsTheirClass() {
        Events events = run(UsesServers.class);

        events.assertStatistics(stats -> stats.succeeded(3).failed(0));
        int postgresPort = PORTS.get(0);
        int redisPort = REDIS_PORTS.get(0);
        assertThat(PORTS).as("every test, nested ones too, gets the class's one PostgreSQL")
                .containsExactly(postgresPort, postgresPort, postgresPort);
        assertThat(Listening.on(postgresPort)).as("PostgreSQL must stop after the class").isFalse();
        assertThat(Listening.on(redisPort)).as("Redis must stop after the class").isFalse();
        assertThat(LINK_PORTS).hasSize(2).noneMatch(Listening::on);
        assertThat(LINK_THREADS).as("the links' selector threads of the class's topologies").isNotEmpty()
                .noneMatch(Thread::isAlive);
    }

    @Test
    @DisplayName("a server started with the builder takes its link's thread with it when closed")
    void builderServerLeavesNoLinkThread() {
        PostgresNode node = Postgres.server().start();
        int linkPort = node.linkPort();
        List<Thread> before = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(dev.dbkata.testkit.network.Network.THREAD_PREFIX)).toList();
        assertThat(Listening.on(linkPort)).isTrue();

        node.close();

        assertThat(Listening.on(linkPort)).isFalse();
        assertThat(before).isNotEmpty().noneMatch(Thread::isAlive);
    }

    @Test
    @DisplayName("servers are stopped when @BeforeAll fails")
    void serversStopWhenSetUpFails() {
        PORTS.clear();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailsInBeforeAll.class)).execute()
                .containerEvents().assertStatistics(stats -> stats.failed(1));

        assertThat(PORTS).hasSize(1);
        assertThat(Listening.on(PORTS.get(0))).isFalse();
    }

    @Test
    @DisplayName("constructor injection works with a per-class test instance, and gets the class's one server")
    void constructorInjection() {
        Events events = run(ConstructorInjection.class);

        events.assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertThat(PORTS).hasSize(2).containsOnly(PORTS.get(0));
        assertThat(Listening.on(PORTS.get(0))).isFalse();
    }

    @Test
    @DisplayName("a parameter without a matching annotation fails with what to add")
    void undeclaredServersAreExplained() {
        Events events = run(AsksForUndeclaredServers.class);

        events.assertStatistics(stats -> stats.failed(1));
        assertThat(events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage())
                .contains("declares no such servers").contains("@WithPostgres");
    }

    @Test
    @DisplayName("servers that cannot start fail the class with an InfrastructureException that quotes the server")
    void startFailureIsInfrastructure() {
        Events classes = EngineTestKit.engine("junit-jupiter").selectors(selectClass(ServersThatCannotStart.class))
                .execute().containerEvents();

        classes.assertStatistics(stats -> stats.failed(1));
        assertThat(firstFailure(classes)).isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("could not be started").hasMessageContaining("shared_buffers");
    }

    @Test
    @DisplayName("servers that cannot be emptied between tests fail the next test with an InfrastructureException")
    void resetFailureIsInfrastructure() {
        Events events = run(MakesTheResetImpossible.class);

        events.assertStatistics(stats -> stats.succeeded(1).failed(1));
        assertThat(firstFailure(events)).isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("could not be emptied before the test");
    }
}
