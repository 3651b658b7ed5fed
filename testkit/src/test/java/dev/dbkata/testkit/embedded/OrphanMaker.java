package dev.dbkata.testkit.embedded;

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

    public static void main(String[] args) throws java.io.IOException {
        PostgresNode postgres = Postgres.server().start();
        RedisNode redis = Redis.server().start();
        System.out.println("READY " + postgres.port() + " " + redis.port() + " " + RunDirectory.current().root());
        System.out.flush();
        // Waits until the test kills this JVM; if the test JVM dies first, its end of the stdin
        // pipe closes and this JVM exits normally, so that not even a victim is left behind.
        while (System.in.read() != -1) {
            // ignore input
        }
    }
}
