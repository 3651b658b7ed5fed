package dev.dbkata.testkit.docker;

/**
 * Something several servers use, closed when the last of them lets go.
 *
 * <p>A cluster's containers share one Docker network, but the {@code Backend} contract hands out
 * servers that are each closed on their own, in any order, and has no "topology closed" moment.
 * Each server holds a lease instead; the network goes away with the last lease, not before (Docker
 * refuses to remove a network that containers are still attached to).
 *
 * @param <T> the shared thing
 */
final class SharedResource<T extends AutoCloseable> {

    private final T resource;
    private int leases;
    private boolean closed;

    SharedResource(T resource) {
        this.resource = resource;
    }

    T get() {
        return resource;
    }

    /** A hold on the resource; closing it more than once counts once. */
    synchronized Lease lease() {
        if (closed) {
            throw new IllegalStateException("Every lease on " + resource + " was already released, and it is closed");
        }
        leases++;
        return new Lease();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private synchronized void release() {
        leases--;
        if (leases == 0 && !closed) {
            closed = true;
            try {
                resource.close();
            } catch (Exception e) {
                // Testcontainers' reaper removes what is left when the JVM exits; a test must not
                // fail because a clean-up step did.
            }
        }
    }

    final class Lease implements AutoCloseable {

        private boolean released;

        @Override
        public void close() {
            synchronized (SharedResource.this) {
                if (released) {
                    return;
                }
                released = true;
                release();
            }
        }
    }
}
