package dev.dbkata.testkit.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which files of the primary a replica's hot copy leaves out; the copy itself runs in the container tests. */
class ReplicaCloneTest {

    @ParameterizedTest
    @ValueSource(strings = {"postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "standby.signal",
            "pg_wal/000000010000000000000001", "pg_wal/archive_status/000000010000000000000001.done",
            "pg_replslot/r1", "pg_stat_tmp/global.stat", "pg_subtrans/0000", "global/pg_internal.init",
            "base/pgsql_tmp/pgsql_tmp123.0"})
    @DisplayName("files of the running server and WAL stay behind")
    void skipped(String path) {
        assertThat(ReplicaClone.skipped(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PG_VERSION", "global/pg_control", "base/5/1259", "pg_wal", "pg_wal/archive_status",
            "pg_replslot", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_xact/0000"})
    @DisplayName("the cluster's files, and the folders it needs even when empty, are copied")
    void copied(String path) {
        assertThat(ReplicaClone.skipped(path)).isFalse();
    }
}
