package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

@WithRedis(reset = Reset.BEFORE_EACH_TEST)
@WithPostgres
class RedisTest {

    @Test
    @DisplayName("Redis stores and returns values, next to a PostgreSQL server of the same class")
    void storesValues(RedisNode redis, PostgresNode postgres) {
        try (Jedis jedis = redis.client()) {
            jedis.set("greeting", "hello");
            assertThat(jedis.get("greeting")).isEqualTo("hello");
        }
        assertThat(postgres.queryValue("SELECT 1", Integer.class)).isEqualTo(1);
        assertThat(redis.uri()).as("clients go through the link").isEqualTo("redis://127.0.0.1:" + redis.linkPort());
        assertThat(redis.directUri()).isEqualTo("redis://127.0.0.1:" + redis.port());
    }

    @Test
    @DisplayName("a frozen Redis makes clients time out; after thaw it answers with its data")
    void freezeAndThaw(RedisNode redis) {
        try (Jedis jedis = redis.client()) {
            jedis.set("k", "v");
            redis.freeze();
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
        } finally {
            redis.thaw();
        }
        try (Jedis jedis = redis.client()) {
            assertThat(jedis.get("k")).isEqualTo("v");
        }
    }

    @Test
    @DisplayName("a crashed Redis refuses connections; restarted, it is empty")
    void crashAndRestart(RedisNode redis) {
        try (Jedis jedis = redis.client()) {
            jedis.set("k", "v");
        }
        redis.crash();
        assertThatThrownBy(() -> {
            try (Jedis jedis = redis.client()) {
                jedis.ping();
            }
        }).isInstanceOf(JedisConnectionException.class);

        redis.restart();

        try (Jedis jedis = redis.client()) {
            assertThat(jedis.exists("k")).isFalse();
        }
    }

    @Test
    @DisplayName("each test starts with an empty Redis")
    void startsEmpty(RedisServers servers) {
        try (Jedis jedis = servers.node().client()) {
            assertThat(jedis.dbSize()).isZero();
            jedis.set("left", "behind");
        }
    }
}
