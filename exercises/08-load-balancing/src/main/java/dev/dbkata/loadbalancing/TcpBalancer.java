package dev.dbkata.loadbalancing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A layer-4 balancer for PostgreSQL: a TCP proxy on 127.0.0.1 that gives each client connection to
 * the available server with the fewest connections, then copies bytes both ways, so an unmodified
 * JDBC client pointed at {@link #port()} is balanced. Write it with {@code java.nio} (a selector
 * and non-blocking channels); a thread per connection is not the lesson.
 *
 * <ul>
 *   <li>TLS is not offered: to an SSLRequest or GSSENCRequest (8-byte packets) answer {@code N},
 *       and the client goes on in plain text.</li>
 *   <li>A server that refuses the connection, or closes it before answering the client's startup
 *       packet, gets no new connection for {@code downFor}; the client is sent to another server
 *       (replay its startup packet there) and never notices.</li>
 *   <li>When a server dies, only the sessions on it end.</li>
 *   <li>Learn each session's BackendKeyData (process id and secret key, in the server's first
 *       messages), and send a CancelRequest that names them to the server that runs that session.</li>
 *   <li>{@link #close()} stops accepting, closes every client and server connection, and ends every
 *       thread it started.</li>
 * </ul>
 *
 * <p>The protocol's framing: the client's first packet is an int32 length (itself included) and an
 * int32 code (SSLRequest 80877103, GSSENCRequest 80877104, CancelRequest 80877102 followed by the
 * process id and the key; anything else is a StartupMessage). Every later message, both ways, is a
 * type byte and an int32 length (itself included, the type not); BackendKeyData is type {@code 'K'}.
 */
public final class TcpBalancer implements AutoCloseable {

    /**
     * Starts listening on an ephemeral port of 127.0.0.1 and serving at once.
     *
     * @param downFor how long a server that refused a connection gets no new connection
     */
    public TcpBalancer(List<Server> servers, Duration downFor) {
        throw new UnsupportedOperationException("TODO(tcp-balancer): listen on 127.0.0.1 and forward each client"
                + " connection to the server with the fewest connections");
    }

    /** The port clients connect to, on 127.0.0.1. */
    public int port() {
        throw new UnsupportedOperationException("TODO(tcp-balancer): the port the balancer listens on");
    }

    /** Forwarded client sessions per server name, as the balancer counts them. */
    public Map<String, Integer> connections() {
        throw new UnsupportedOperationException("TODO(tcp-balancer): sessions per server");
    }

    /** Stops accepting, closes every client and server connection, and ends every thread it started. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO(tcp-balancer): close every connection and end the threads");
    }
}
