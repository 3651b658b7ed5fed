package dev.dbkata.testkit.backend;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * How a backend's servers reach a listener of this JVM, such as the link a replica streams
 * through: the address the listener binds, and the host name the servers use for it.
 *
 * @param bindAddress    where the listener binds
 * @param hostForServers the host a server writes in its connection string to reach it
 * @param gatewayAlias   whether containers need {@code hostForServers} added as an alias of the
 *                       host's gateway ({@code --add-host NAME:host-gateway}), which Docker Engine
 *                       on Linux does not define by itself
 */
public record HostRoute(InetAddress bindAddress, String hostForServers, boolean gatewayAlias) {

    /** Servers on this machine, as the embedded backend runs them: loopback both ways. */
    public static final HostRoute LOOPBACK = new HostRoute(InetAddress.getLoopbackAddress(), "127.0.0.1", false);

    static final String PODMAN_HOST = "host.containers.internal";
    static final String DOCKER_HOST = "host.docker.internal";

    /**
     * Servers in containers. They cannot reach the host's 127.0.0.1 (that is their own loopback),
     * so the listener binds every interface and containers use the name their engine gives the
     * host: Podman defines {@code host.containers.internal} in every container; Docker Desktop
     * defines {@code host.docker.internal}, and Docker Engine on Linux does once a container is
     * created with {@code --add-host host.docker.internal:host-gateway}.
     *
     * @param engineComponents the component names the engine reports in its {@code /version}
     *                         answer (Podman reports "Podman Engine")
     */
    public static HostRoute forContainers(Iterable<String> engineComponents) {
        InetAddress any = new InetSocketAddress(0).getAddress();
        for (String component : engineComponents) {
            if (component != null && component.toLowerCase(Locale.ROOT).contains("podman")) {
                return new HostRoute(any, PODMAN_HOST, false);
            }
        }
        return new HostRoute(any, DOCKER_HOST, true);
    }
}
