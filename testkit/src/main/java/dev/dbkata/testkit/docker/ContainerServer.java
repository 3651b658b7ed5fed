package dev.dbkata.testkit.docker;

import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.dbkata.testkit.backend.PortReservation;
import dev.dbkata.testkit.backend.ServerProcess;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A server in a container, with the fault semantics of {@link ServerProcess} mapped onto Docker.
 *
 * <p>A crash is {@code docker kill} (SIGKILL to the whole container, no clean shutdown); freezing
 * is {@code docker pause}, which suspends every process of the container while its sockets stay
 * open. A restart starts the same container again rather than a new one: the data directory is
 * part of the container, and the published host port is fixed in the container's configuration,
 * so the server comes back with its data and on its address.
 */
final class ContainerServer implements ServerProcess {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    /** Seconds {@code docker stop} grants for a clean shutdown before it kills. */
    private static final int STOP_GRACE_SECONDS = 30;

    private final String name;
    private final GenericContainer<?> container;
    private final PortReservation port;
    private final ReadinessCheck readiness;
    private final AutoCloseable sharedResourceLease;
    private boolean frozen;
    private boolean closed;

    /**
     * @param sharedResourceLease released on {@link #close()}, such as this node's hold on its
     *                            topology's network
     */
    ContainerServer(String name, GenericContainer<?> container, PortReservation port, ReadinessCheck readiness,
            AutoCloseable sharedResourceLease) {
        this.name = name;
        this.container = container;
        this.port = port;
        this.readiness = readiness;
        this.sharedResourceLease = sharedResourceLease;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return LoopbackPorts.LOOPBACK;
    }

    @Override
    public int port() {
        return port.port();
    }

    /** Creates and starts the container (pulling the image if needed), then waits until the server answers. */
    synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name + " was closed; start a new topology instead");
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            throw failure("could not be created or started (" + innermostMessage(e) + ")", e);
        }
        awaitReady();
    }

    @Override
    public synchronized void crash() {
        if (closed || !containerRunning()) {
            return;
        }
        thaw();
        try {
            docker().killContainerCmd(container.getContainerId()).exec();
        } catch (RuntimeException e) {
            // Docker refuses to kill a container that has just exited on its own: crashed already.
            if (containerRunning()) {
                throw e;
            }
        }
        awaitStopped();
    }

    @Override
    public synchronized void freeze() {
        if (closed || frozen || !containerRunning()) {
            return;
        }
        docker().pauseContainerCmd(container.getContainerId()).exec();
        frozen = true;
    }

    @Override
    public synchronized void thaw() {
        if (!frozen) {
            return;
        }
        docker().unpauseContainerCmd(container.getContainerId()).exec();
        frozen = false;
    }

    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(name + " was closed; start a new topology instead");
        }
        thaw();
        DockerClient docker = docker();
        String id = container.getContainerId();
        if (containerRunning()) {
            docker.stopContainerCmd(id).withTimeout(STOP_GRACE_SECONDS).exec();
            awaitStopped();
        }
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            throw failure("could not be started again (" + innermostMessage(e) + ")", e);
        }
        awaitReady();
    }

    @Override
    public synchronized boolean isRunning() {
        return !closed && containerRunning();
    }

    @Override
    public synchronized boolean isFrozen() {
        return frozen;
    }

    /** Kills and removes the container with its volumes, then gives the port and network back. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (frozen) {
                frozen = false;
                docker().unpauseContainerCmd(container.getContainerId()).exec();
            }
        } catch (RuntimeException e) {
            // Removal below forces its way through a paused container too.
        }
        try {
            container.stop();
        } catch (RuntimeException e) {
            // Testcontainers' reaper removes the container when the JVM exits.
        } finally {
            port.close();
            try {
                sharedResourceLease.close();
            } catch (Exception e) {
                // Same: left to the reaper.
            }
        }
    }

    /**
     * Polls in the calling thread: the poll reads container state without this object's lock,
     * which the caller holds, and a separate polling thread would add nothing.
     */
    private void awaitReady() {
        try {
            Awaitility.await(name + " to accept connections on " + host() + ":" + port())
                    .atMost(READY_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .pollInSameThread()
                    .until(() -> {
                        if (!containerRunning()) {
                            throw failure("stopped before it accepted connections", null);
                        }
                        return readiness.answers(host(), port());
                    });
        } catch (ConditionTimeoutException e) {
            throw failure("did not accept connections within " + READY_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private void awaitStopped() {
        Awaitility.await(name + "'s container to stop")
                .atMost(EXIT_TIMEOUT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .pollInSameThread()
                .until(() -> !containerRunning());
    }

    /** Whether the container's main process exists; a paused container counts as running. */
    private boolean containerRunning() {
        String id = container.getContainerId();
        if (id == null) {
            return false;
        }
        try {
            InspectContainerResponse.ContainerState state = docker().inspectContainerCmd(id).exec().getState();
            return Boolean.TRUE.equals(state.getRunning());
        } catch (NotFoundException removed) {
            return false;
        }
    }

    private IllegalStateException failure(String what, Throwable cause) {
        return new IllegalStateException(StartFailures.describe(name, what, logs(), port()), cause);
    }

    private String logs() {
        if (container.getContainerId() == null) {
            return "(no container was created)";
        }
        try {
            return container.getLogs();
        } catch (RuntimeException e) {
            return "(the log could not be read: " + e.getMessage() + ")";
        }
    }

    private static String innermostMessage(Throwable e) {
        Throwable innermost = e;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        return String.valueOf(innermost.getMessage());
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    @Override
    public String toString() {
        return name + "@" + host() + ":" + port();
    }
}
