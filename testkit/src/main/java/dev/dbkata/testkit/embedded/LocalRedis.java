package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import dev.dbkata.testkit.backend.PortReservation;

/** A Redis server without persistence, run in the foreground as a child of this JVM. */
final class LocalRedis extends LocalServer {

    LocalRedis(String name, java.nio.file.Path folder, PortReservation port) {
        super(name, folder, port);
    }

    @Override
    List<String> command() {
        return List.of(RedisBinary.path().toString(),
                "--port", Integer.toString(port()),
                "--bind", "127.0.0.1",
                "--protected-mode", "no",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--dir", folder.toString());
    }

    @Override
    void started(Process process) {
        try {
            // The port too: Redis rewrites its command line to "redis-server 127.0.0.1:port", so the
            // port is how the reaper recognises it.
            Files.writeString(folder.resolve(Reaper.REDIS_PID_FILE), process.pid() + " " + port() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the pid file of " + name(), e);
        }
    }

    @Override
    protected boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port()), 1_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    String crashSignal() {
        return "KILL";
    }

    @Override
    String stopSignal() {
        return "TERM";
    }
}
