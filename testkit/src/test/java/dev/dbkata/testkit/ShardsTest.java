package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithShards(count = 3)
class ShardsTest {

    @Test
    @DisplayName("shards are separate servers: what one holds, the others do not")
    void shardsAreIndependent(PostgresShards shards) throws Exception {
        shards.shard(0).execute("CREATE TABLE account (id int); INSERT INTO account VALUES (1)");

        assertThat(shards.shards()).extracting(PostgresNode::role).containsOnly(NodeRole.SHARD);
        assertThat(shards.shards()).extracting(PostgresNode::port).doesNotHaveDuplicates();
        assertThat(shards.shard(0).queryValue("SELECT count(*) FROM account", Long.class)).isEqualTo(1);
        for (int i = 1; i < shards.size(); i++) {
            assertThat(shards.shard(i).queryValue("SELECT to_regclass('account') IS NULL", Boolean.class))
                    .as("shard%d must not have shard0's table", i).isTrue();
            assertThat(ServingNode.of(shards.dataSources().get(i)).port()).isEqualTo(shards.shard(i).port());
        }
    }

    @Test
    @DisplayName("a crashed shard leaves the others serving")
    void crashedShardIsAlone(PostgresShards shards) {
        shards.shard(1).crash();

        assertThat(shards.shard(0).queryValue("SELECT 1", Integer.class)).isEqualTo(1);
        assertThat(shards.shard(2).queryValue("SELECT 1", Integer.class)).isEqualTo(1);
    }
}
