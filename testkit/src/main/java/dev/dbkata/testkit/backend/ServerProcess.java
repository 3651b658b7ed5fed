package dev.dbkata.testkit.backend;

/**
 * One running database server as a backend sees it: where it listens and how to hurt it.
 *
 * <p>Both backends implement the same semantics, so a test behaves alike on a laptop with Docker
 * and on a machine without it:
 * <ul>
 *   <li>{@link #crash()} ends the server at once, without a clean shutdown (PostgreSQL's
 *       immediate stop; a killed container). The next {@link #restart()} runs crash recovery.</li>
 *   <li>{@link #freeze()} suspends every process of the server. Connections stay open and the
 *       listening socket still accepts, but nothing answers: what a client sees in a network
 *       partition. {@link #thaw()} lets it go on where it stopped.</li>
 *   <li>{@link #restart()} brings the server back on the same host and port, whatever state it
 *       was in, and returns once it accepts connections.</li>
 * </ul>
 */
public interface ServerProcess extends AutoCloseable {

    /** A short name that is unique within its topology, such as {@code primary} or {@code replica2}. */
    String name();

    String host();

    int port();

    void crash();

    void freeze();

    void thaw();

    void restart();

    /** Whether the server's processes exist (a frozen server is running). */
    boolean isRunning();

    boolean isFrozen();

    /** The server's log, for reading what it did since a mark; {@link ServerLog#NONE} where there is none. */
    default ServerLog log() {
        return ServerLog.NONE;
    }

    /** Stops the server and deletes everything it wrote. Safe to call more than once. */
    @Override
    void close();
}
