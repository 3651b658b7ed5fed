package dev.dbkata.testkit.docker;

import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.dbkata.testkit.backend.ManagedServer;
import dev.dbkata.testkit.backend.PortReservation;
import dev.dbkata.testkit.backend.ServerProcess;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A server in a container, with the fault semantics of {@link ServerProcess} mapped onto Docker.
 * Its life (states, waits) is {@link ManagedServer}'s; this class only talks to Docker.
 *
 * <p>A crash is {@code docker kill} (SIGKILL to the whole container, no clean shutdown); freezing
 * is {@code docker pause}, which suspends every process of the container while its sockets stay
 * open. A restart starts the same container again rather than a new one: the data directory is
 * part of the container, and the published host port is fixed in the container's configuration,
 * so the server comes back with its data and on its address.
 */
final class ContainerServer extends ManagedServer {

    /** Polls cost a round trip to the daemon each. */
    private static final Timeouts TIMEOUTS = Timeouts.DEFAULT.withPoll(Duration.ofMillis(100));
    /** Seconds {@code docker stop} grants for a clean shutdown before it kills. */
    private static final int STOP_GRACE_SECONDS = (int) TIMEOUTS.stop().toSeconds();

    private final GenericContainer<?> container;
    private final PortReservation port;
    private final ReadinessCheck readiness;
    private final AutoCloseable sharedResourceLease;

    /**
     * @param sharedResourceLease released on {@link #close()}, such as this node's hold on its
     *                            topology's network
     */
    ContainerServer(String name, GenericContainer<?> container, PortReservation port, ReadinessCheck readiness,
            AutoCloseable sharedResourceLease) {
        super(name, TIMEOUTS);
        this.container = container;
        this.port = port;
        this.readiness = readiness;
        this.sharedResourceLease = sharedResourceLease;
    }

    @Override
    public String host() {
        return LoopbackPorts.LOOPBACK;
    }

    @Override
    public int port() {
        return port.port();
    }

    @Override
    public dev.dbkata.testkit.backend.ServerLog log() {
        return new ContainerLog(container::getContainerId);
    }

    /** The container's id once it has been created, or {@code null}. */
    String containerId() {
        return container.getContainerId();
    }

    /** The first time creates the container (pulling the image if needed); later, starts the same one again. */
    @Override
    protected void launch() {
        String id = container.getContainerId();
        try {
            if (id == null) {
                container.start();
            } else {
                docker().startContainerCmd(id).exec();
            }
        } catch (RuntimeException e) {
            throw failure((id == null ? "could not be created or started (" : "could not be started again (")
                    + innermostMessage(e) + ")", e);
        }
    }

    /** Whether the container's main process exists; a paused container counts as running. */
    @Override
    protected boolean alive() {
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

    @Override
    protected boolean answers() {
        return readiness.answers(host(), port());
    }

    @Override
    protected void kill() {
        try {
            docker().killContainerCmd(container.getContainerId()).exec();
        } catch (RuntimeException e) {
            // Docker refuses to kill a container that has just exited on its own: crashed already.
            if (alive()) {
                throw e;
            }
        }
    }

    @Override
    protected void stop() {
        docker().stopContainerCmd(container.getContainerId()).withTimeout(STOP_GRACE_SECONDS).exec();
    }

    @Override
    protected void pause() {
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    protected void resume() {
        docker().unpauseContainerCmd(container.getContainerId()).exec();
    }

    /**
     * Removes the container with its volumes, then gives the port and network back. Whatever
     * Docker refuses here, Testcontainers' own reaper removes when the JVM exits.
     */
    @Override
    protected void release(boolean stopped) {
        try {
            container.stop();
        } catch (RuntimeException e) {
            // left to Testcontainers' reaper
        } finally {
            port.close();
            try {
                sharedResourceLease.close();
            } catch (Exception e) {
                // Same: left to the reaper.
            }
        }
    }

    @Override
    protected String describeFailure(String what) {
        return StartFailures.describe(name(), what, logs(), port());
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
}
