package dev.dbkata.testkit.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One quick attempt to talk to a server through its published port; true when it answered.
 *
 * <p>A TCP connect alone proves nothing here: Docker's port forwarder accepts connections on the
 * host side before anything listens in the container, and the postgres image runs a temporary
 * server during its first start. Each check therefore speaks the server's protocol.
 */
@FunctionalInterface
interface ReadinessCheck {

    boolean answers(String host, int port);

    /**
     * PostgreSQL answers when a query runs. The image's temporary set-up server listens on a Unix
     * socket only, so this never mistakes it for the real one; a hot standby qualifies as soon as
     * it takes read-only connections.
     */
    ReadinessCheck POSTGRES = (host, port) -> {
        try (Connection connection = DriverManager.getConnection(postgresUrl(host, port));
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException notYet) {
            return false;
        }
    };

    /** Redis answers when a {@code PING} gets its {@code +PONG}. */
    ReadinessCheck REDIS = (host, port) -> {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    };

    /** Short timeouts: a check that hangs would eat the time budget of every later attempt. */
    static String postgresUrl(String host, int port) {
        return "jdbc:postgresql://" + host + ":" + port + "/postgres?user=postgres"
                + "&connectTimeout=2&loginTimeout=3&socketTimeout=5&ApplicationName="
                + dev.dbkata.testkit.backend.PostgresConfig.TESTKIT_APPLICATION;
    }
}
