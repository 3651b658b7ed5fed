package dev.dbkata.testkit.docker;

/**
 * How a Redis container is run, kept as data so it can be checked without Docker.
 *
 * <p>It matches the embedded backend's Redis: nothing is written to disk, so a restart starts
 * empty and a crash loses everything, which is what the caching exercises count on.
 */
final class RedisContainerPlan {

    static final int REDIS_PORT = 6379;

    private RedisContainerPlan() {
    }

    /**
     * The container's command. {@code --save ""} is an empty argument, not a missing one: it
     * switches RDB snapshots off. Protected mode is off because clients reach the server through
     * Docker's port forwarding, never from the container's own loopback, and there is no password.
     */
    static String[] command() {
        return new String[] {"redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no"};
    }
}
