package dev.dbkata.testkit.embedded;

import java.util.concurrent.CountDownLatch;

import dev.dbkata.testkit.Postgres;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Redis;
import dev.dbkata.testkit.RedisNode;

/**
 * A JVM that starts a PostgreSQL and a Redis server, says where, and waits to be killed: the
 * victim of the no-leak tests.
 */
public final class OrphanMaker {

    private OrphanMaker() {
    }

    public static void main(String[] args) throws InterruptedException {
        PostgresNode postgres = Postgres.server().start();
        RedisNode redis = Redis.server().start();
        System.out.println("READY " + postgres.port() + " " + redis.port() + " " + RunDirectory.current().root());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
