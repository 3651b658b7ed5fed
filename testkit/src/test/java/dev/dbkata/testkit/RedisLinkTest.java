package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Redis clients go through the node's link too. */
@WithRedis
class RedisLinkTest {

    private static Jedis clientWithOneSecondTimeouts(RedisNode redis) {
        return new Jedis(redis.hostAndPort(), DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1_000).socketTimeoutMillis(1_000).build());
    }

    @Test
    @DisplayName("blackhole(): a command with a 1 s socket timeout fails after about 1 s; heal() lets the same client go on")
    void blackhole(RedisNode redis) {
        try (Jedis jedis = clientWithOneSecondTimeouts(redis)) {
            jedis.set("k", "v");
            redis.link().blackhole();

            long start = System.nanoTime();
            assertThatThrownBy(() -> jedis.get("k")).isInstanceOf(JedisConnectionException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(5));
        }
        redis.link().heal();
        try (Jedis jedis = clientWithOneSecondTimeouts(redis)) {
            assertThat(jedis.get("k")).isEqualTo("v");
        }
    }

    @Test
    @DisplayName("cut(): an open connection fails at once, a new one is refused")
    void cut(RedisNode redis) {
        Jedis jedis = clientWithOneSecondTimeouts(redis);
        jedis.ping();
        redis.link().cut();

        long start = System.nanoTime();
        assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
        assertThatThrownBy(() -> clientWithOneSecondTimeouts(redis).ping()).isInstanceOf(JedisConnectionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a reset and a refusal are immediate")
                .isLessThan(Duration.ofMillis(900));
        try {
            jedis.close();
        } catch (JedisConnectionException dropped) {
            // its goodbye finds the connection dropped too
        }
    }

    @Test
    @DisplayName("a delay of d makes a PING round trip at least 2 × d")
    void delay(RedisNode redis) {
        try (Jedis jedis = clientWithOneSecondTimeouts(redis)) {
            jedis.ping();
            redis.link().delay(Duration.ofMillis(40));
            long start = System.nanoTime();
            jedis.ping();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(79));
        }
    }
}
