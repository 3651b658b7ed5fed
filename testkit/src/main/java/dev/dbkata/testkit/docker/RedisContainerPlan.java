package dev.dbkata.testkit.docker;

/**
 * How a Redis container is run, kept as data so it can be checked without Docker.
 *
 * <p>It matches the embedded backend's Redis: nothing is written to disk, so a restart starts
 * empty and a crash loses everything, which is what the caching exercises count on.
 */
final class RedisContainerPlan {

    private RedisContainerPlan() {
    }

    /**
     * The container's command. The server listens on its published port inside the container
     * too, so that what it reports about itself ({@code INFO server}'s {@code tcp_port}) is the
     * address clients use, as with the embedded backend. {@code --save ""} is an empty argument,
     * not a missing one: it switches RDB snapshots off. Protected mode is off because clients
     * reach the server through Docker's port forwarding, never from the container's own loopback,
     * and there is no password.
     *
     * @param port the server's reserved host port
     */
    static String[] command(int port) {
        return new String[] {"redis-server", "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
                "--protected-mode", "no"};
    }
}
