package dev.dbkata.caching;

import java.util.Set;

import dev.dbkata.testkit.RedisNode;
import redis.clients.jedis.Jedis;

/**
 * How many commands Redis executed for the application, from its own {@code INFO commandstats}:
 * the server's count, leaving out the test's own inspection commands and connection handshakes.
 */
final class RedisCommandCount {

    private static final Set<String> NOT_THE_APPLICATIONS = Set.of("info", "config", "ping", "hello", "client", "command");

    private RedisCommandCount() {
    }

    static void reset(RedisNode redis) {
        try (Jedis jedis = redis.client()) {
            jedis.configResetStat();
        }
    }

    static long count(RedisNode redis) {
        try (Jedis jedis = redis.client()) {
            long total = 0;
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                // cmdstat_get:calls=12,usec=...; subcommands appear as cmdstat_client|setinfo.
                if (!line.startsWith("cmdstat_")) {
                    continue;
                }
                String command = line.substring("cmdstat_".length(), line.indexOf(':')).split("\\|")[0];
                if (NOT_THE_APPLICATIONS.contains(command)) {
                    continue;
                }
                String calls = line.substring(line.indexOf("calls=") + "calls=".length());
                total += Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
            return total;
        }
    }
}
