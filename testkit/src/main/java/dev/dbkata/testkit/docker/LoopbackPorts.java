package dev.dbkata.testkit.docker;

import java.util.Locale;
import java.util.Set;

/**
 * Host-side port rules of the docker backend.
 *
 * <p>Every container is published on a port the testkit reserved itself, on 127.0.0.1 only.
 * Letting Docker choose would be simpler, but Docker picks a new random port each time a stopped
 * container is started again, and a restarted server must keep its address: clients, pools and
 * the exercises' assertions hold on to it. Loopback keeps the password-less servers off the
 * network.
 *
 * <p>Inside the container the server listens on that same port, so a server's own idea of its
 * port matches the address clients reach it on.
 */
final class LoopbackPorts {

    static final String LOOPBACK = "127.0.0.1";

    private static final Set<String> LOCAL_DOCKER_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1");

    private LoopbackPorts() {
    }

    /**
     * A port binding as Docker (and Testcontainers' {@code setPortBindings}) reads it, publishing
     * the container's {@code port} on the host's loopback under the same number. Testcontainers
     * exposes a bound port itself, so it need not be one the image declares.
     */
    static String binding(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("Ports are 1-65535, not " + port);
        }
        return LOOPBACK + ":" + port + ":" + port;
    }

    /**
     * Whether ports published on the daemon's loopback are this JVM's loopback. That holds for a
     * local daemon and for Docker Desktop, which forwards them to the host; it does not for a
     * remote daemon, or for a JVM that itself runs in a container next to the daemon.
     *
     * @param dockerHost the address Testcontainers reaches published ports on
     */
    static boolean isLocalDaemon(String dockerHost) {
        if (dockerHost == null) {
            return false;
        }
        String host = dockerHost.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return LOCAL_DOCKER_HOSTS.contains(host);
    }

    /**
     * Whether a daemon that Testcontainers reaches through a gateway address (it does so whenever
     * this JVM looks containerised, by {@code /.dockerenv}) still runs beside this JVM: an engine
     * started inside the same container, such as {@code podman system service} on a CI machine
     * that is itself a container. Such a daemon reports this machine's host name, which a daemon
     * on the container's host (a mounted socket) does not, and publishes ports on our loopback.
     *
     * @param daemonName the name the daemon reports ({@code docker info}'s {@code Name})
     * @param ourName    this machine's host name
     */
    static boolean isDaemonBesideUs(String daemonName, String ourName) {
        return daemonName != null && ourName != null && !ourName.isBlank()
                && daemonName.trim().equalsIgnoreCase(ourName.trim());
    }
}
