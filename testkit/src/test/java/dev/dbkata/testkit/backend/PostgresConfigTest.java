package dev.dbkata.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class PostgresConfigTest {

    @Test
    void overridesWinOverDefaults() {
        PostgresConfig config = PostgresConfig.withOverrides(Map.of("synchronous_commit", "remote_apply"));

        assertThat(config.settings()).containsEntry("synchronous_commit", "remote_apply")
                .containsEntry("shared_preload_libraries", "pg_stat_statements");
    }

    @Test
    void theDefaultsKeepSynchronousCommitOn() {
        assertThat(PostgresConfig.withOverrides(Map.of()).settings()).containsEntry("synchronous_commit", "on");
    }

    @Test
    void configFileQuotesValues() {
        String file = PostgresConfig.withOverrides(Map.of("application_name", "it's")).asConfigFile();

        assertThat(file).contains("application_name = 'it''s'\n");
    }

    @Test
    void pairsAreParsedAndBadOnesExplained() {
        assertThat(PostgresConfig.parsePairs("work_mem = 64MB", "search_path=a,b"))
                .containsEntry("work_mem", "64MB").containsEntry("search_path", "a,b");
        assertThatThrownBy(() -> PostgresConfig.parsePairs("work_mem"))
                .hasMessageContaining("name=value").hasMessageContaining("\"work_mem\"");
    }

    @Test
    void settingNamesCannotSmuggleLines() {
        assertThatThrownBy(() -> PostgresConfig.withOverrides(Map.of("a\nport", "1")))
                .hasMessageContaining("is not a PostgreSQL setting name");
    }

    @Test
    void clusterSpecNamesSynchronousStandbys() {
        ClusterSpec spec = new ClusterSpec(3, 2, PostgresConfig.withOverrides(Map.of()));

        assertThat(spec.replicaNames()).containsExactly("replica1", "replica2", "replica3");
        assertThat(spec.synchronousStandbyNames()).isEqualTo("FIRST 2 (replica1, replica2)");
        assertThat(new ClusterSpec(2, 0, spec.config()).synchronousStandbyNames()).isEmpty();
        assertThatThrownBy(() -> new ClusterSpec(1, 2, spec.config())).hasMessageContaining("synchronousStandbys");
    }

    @Test
    void clusterSpecNamesAQuorumOfAllReplicas() {
        ClusterSpec spec = new ClusterSpec(3, 1, true, PostgresConfig.withOverrides(Map.of()));

        assertThat(spec.synchronousStandbyNames()).isEqualTo("ANY 1 (replica1, replica2, replica3)");
        assertThat(spec.synchronousCandidates()).containsExactly("replica1", "replica2", "replica3");
    }

    @Test
    void aTopologysOwnSynchronousStandbyNamesAreKept() {
        PostgresConfig own = PostgresConfig.withOverrides(Map.of("synchronous_standby_names", "ANY 1 (replica2, replica1)"));

        assertThat(new ClusterSpec(2, 0, own).synchronousStandbyNames()).isEqualTo("ANY 1 (replica2, replica1)");
        assertThatThrownBy(() -> new ClusterSpec(2, 1, own))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declared twice").hasMessageContaining("Keep one");
    }
}
