package dev.dbkata.loadbalancing;

import java.util.Objects;

/**
 * One database server behind the balancer: a name unique among the balancer's servers, where
 * clients reach it, and its weight (its share of requests relative to the others: a server of
 * weight 5 should take five times the requests of one of weight 1).
 *
 * @param name   unique among the servers of one balancer, such as {@code replica1}
 * @param host   where clients connect
 * @param port   where clients connect
 * @param weight at least 1
 */
public record Server(String name, String host, int port, int weight) {

    public Server {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("Server " + name + ": port must be 1-65535, not " + port);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("Server " + name + ": weight must be at least 1, not " + weight);
        }
    }

    /** The same server with another weight. */
    public Server withWeight(int newWeight) {
        return new Server(name, host, port, newWeight);
    }

    /** {@code jdbc:postgresql://host:port/postgres}, user {@code postgres} (no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/postgres";
    }

    @Override
    public String toString() {
        return name + "(" + host + ":" + port + ", weight " + weight + ")";
    }
}
