package dev.dbkata.testkit.embedded;

import dev.dbkata.testkit.Postgres;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Redis;
import dev.dbkata.testkit.RedisNode;

/** A JVM that starts one PostgreSQL and one Redis, checks them, stops them and exits 0. */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) {
        try (PostgresNode postgres = Postgres.server().start(); RedisNode redis = Redis.server().start()) {
            String version = postgres.queryValue("SHOW server_version", String.class);
            String pong;
            try (var client = redis.client()) {
                pong = client.ping();
            }
            System.out.println("STARTED postgres " + version + ", redis " + pong);
        }
    }
}
