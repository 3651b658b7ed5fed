package dev.dbkata.verticalhorizontalscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task server-version: the shape every task takes (written by {@code kata new}; replace it with
 * the exercise's first real task).
 *
 * <p>Rejects:
 * <ul>
 *   <li>a version written into the code instead of asked from the server: no statement reaches
 *       PostgreSQL;</li>
 *   <li>the whole version number ({@code 170006}) instead of its major part.</li>
 * </ul>
 */
@Task(id = "server-version", title = "Ask the server for its major version", points = 1)
@WithPostgres
class ServerVersionTest {

    @Test
    @DisplayName("the major version is the one the server reports, asked from the server")
    void majorVersionComesFromTheServer(PostgresNode postgres) {
        postgres.statements().reset();

        int major = ServerVersion.major(postgres.dataSource());

        assertThat(postgres.statements().callsContaining("server_version"))
                .as("the version should be asked from the server (pg_stat_statements saw no such statement)")
                .isPositive();
        int reported = Integer.parseInt(postgres.queryValue("SHOW server_version_num", String.class));
        assertThat(major)
                .as("the major version is server_version_num / 10000 (the server reports %d)", reported)
                .isEqualTo(reported / 10_000);
    }
}
