package dev.dbkata.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Whether a server still listens on a port of this machine: the test's own view, not the testkit's. */
public final class Listening {

    private Listening() {
    }

    public static boolean on(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
