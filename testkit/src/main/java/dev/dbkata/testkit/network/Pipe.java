package dev.dbkata.testkit.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client connection through a link and its connection to the server: two flows, one each
 * way. Everything here runs on the network's selector thread.
 */
final class Pipe {

    /** Bytes a flow holds before it stops reading its source: back-pressure, not loss. */
    private static final int MAX_HELD = 1 << 20;
    private static final int CHUNK = 64 * 1024;

    private final Link link;
    private final SocketChannel client;
    private final SocketChannel server;
    private final Flow up;
    private final Flow down;
    private SelectionKey clientKey;
    private SelectionKey serverKey;
    private boolean connected;
    private boolean ended;

    private Pipe(Link link, SocketChannel client, SocketChannel server) {
        this.link = link;
        this.client = client;
        this.server = server;
        this.up = new Flow(client, server);
        this.down = new Flow(server, client);
    }

    static void start(Link link, SocketChannel client, InetSocketAddress target) {
        SocketChannel server = null;
        Pipe pipe;
        try {
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            server = SocketChannel.open();
            server.configureBlocking(false);
            server.setOption(StandardSocketOptions.TCP_NODELAY, true);
            pipe = new Pipe(link, client, server);
            pipe.clientKey = client.register(link.network().selector(), 0, (Network.Handler) pipe::clientReady);
            pipe.serverKey = server.register(link.network().selector(), SelectionKey.OP_CONNECT,
                    (Network.Handler) pipe::serverReady);
        } catch (IOException e) {
            Links.reset(client);
            Links.closeQuietly(server);
            return;
        }
        link.opened(pipe);
        try {
            if (server.connect(target)) {
                pipe.connected();
            }
        } catch (IOException e) {
            pipe.reset(); // the server refuses or cannot be reached: so does the link, at once
        }
    }

    private void connected() {
        connected = true;
        updateInterest();
    }

    private void serverReady(SelectionKey key) {
        if (!connected) {
            if (!key.isConnectable()) {
                return;
            }
            try {
                server.finishConnect();
            } catch (IOException e) {
                reset(); // refused: the client sees its connection reset at once
                return;
            }
            connected();
            return;
        }
        if (key.isReadable()) {
            down.read();
        }
        if (!ended && key.isValid() && key.isWritable()) {
            up.flush();
        }
    }

    private void clientReady(SelectionKey key) {
        if (key.isReadable()) {
            up.read();
        }
        if (!ended && key.isValid() && key.isWritable()) {
            down.flush();
        }
    }

    void updateInterest() {
        if (ended) {
            return;
        }
        clientKey.interestOps((up.wantsRead() ? SelectionKey.OP_READ : 0) | (down.wantsWrite() ? SelectionKey.OP_WRITE : 0));
        if (connected) {
            serverKey.interestOps((down.wantsRead() ? SelectionKey.OP_READ : 0) | (up.wantsWrite() ? SelectionKey.OP_WRITE : 0));
        }
    }

    /** After heal(): what was held for a delay, a bandwidth limit or a black hole goes out now. */
    void releaseHeldBytes() {
        long now = System.nanoTime();
        up.retime(now);
        down.retime(now);
        up.flush();
        if (!ended) {
            down.flush();
        }
        updateInterest();
    }

    /** Drops both connections with a reset, as a broken network does. */
    void reset() {
        if (ended) {
            return;
        }
        ended = true;
        Links.reset(client);
        Links.reset(server);
        link.ended(this);
    }

    private void endIfBothClosed() {
        if (up.endSent && down.endSent && !ended) {
            ended = true;
            Links.closeQuietly(client);
            Links.closeQuietly(server);
            link.ended(this);
        }
    }

    /** Bytes from one side to the other, held until their release time, in order. */
    private final class Flow {
        private final SocketChannel source;
        private final SocketChannel destination;
        private final ArrayDeque<Chunk> held = new ArrayDeque<>();
        private long heldBytes;
        private boolean endRead;
        private boolean endSent;
        private boolean writeBlocked;
        private long lastRelease = Long.MIN_VALUE;
        private boolean lastReleaseSet;
        private long lineFreeAt;
        private long timerAt;
        private boolean timerPending;

        Flow(SocketChannel source, SocketChannel destination) {
            this.source = source;
            this.destination = destination;
            this.lineFreeAt = System.nanoTime();
        }

        boolean wantsRead() {
            return connected && !endRead && !link.blackholed() && heldBytes < MAX_HELD;
        }

        boolean wantsWrite() {
            return writeBlocked && !link.blackholed();
        }

        void read() {
            ByteBuffer buffer = ByteBuffer.allocate(chunkSize());
            int count;
            try {
                count = source.read(buffer);
            } catch (IOException e) {
                reset(); // a reset from one side reaches the other at once
                return;
            }
            long now = System.nanoTime();
            if (count < 0) {
                endRead = true;
                // The end of the stream follows the bytes before it, without a delay of its own.
                held.add(new Chunk(null, 0, lastReleaseSet && lastRelease - now > 0 ? lastRelease : now));
            } else if (count > 0) {
                buffer.flip();
                held.add(new Chunk(buffer, count, releaseTime(now, count)));
                heldBytes += count;
            }
            flush();
        }

        private int chunkSize() {
            long rate = link.bytesPerSecond();
            if (rate == 0) {
                return CHUNK;
            }
            // About 20 ms worth per chunk, so a limited link paces smoothly.
            return (int) Math.max(1, Math.min(CHUNK, rate / 50));
        }

        private long releaseTime(long now, int count) {
            long ready = now;
            long rate = link.bytesPerSecond();
            if (rate > 0) {
                long start = lineFreeAt - now > 0 ? lineFreeAt : now; // nanoTime: compare by difference
                lineFreeAt = start + (long) (count * 1_000_000_000.0 / rate);
                ready = lineFreeAt;
            }
            long jitter = link.jitterNanos();
            long delay = link.delayNanos();
            if (jitter > 0) {
                delay = Math.max(0, delay + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
            }
            long release = ready + delay;
            if (lastReleaseSet && release - lastRelease < 0) {
                release = lastRelease; // never overtake the chunk before: no reordering, jitter or not
            }
            lastRelease = release;
            lastReleaseSet = true;
            return release;
        }

        void retime(long now) {
            for (Chunk chunk : held) {
                if (chunk.release - now > 0) {
                    chunk.release = now;
                }
            }
            lastRelease = now;
            lastReleaseSet = true;
            lineFreeAt = now;
        }

        void flush() {
            if (ended || link.blackholed()) {
                updateInterest();
                return;
            }
            long now = System.nanoTime();
            while (!held.isEmpty()) {
                Chunk chunk = held.peek();
                if (chunk.release - now > 0) {
                    wakeAt(chunk.release);
                    break;
                }
                if (chunk.data == null) {
                    held.poll();
                    try {
                        destination.shutdownOutput();
                    } catch (IOException e) {
                        reset();
                        return;
                    }
                    endSent = true;
                    endIfBothClosed();
                    break;
                }
                try {
                    destination.write(chunk.data);
                } catch (IOException e) {
                    reset();
                    return;
                }
                if (chunk.data.hasRemaining()) {
                    writeBlocked = true;
                    updateInterest();
                    return;
                }
                held.poll();
                heldBytes -= chunk.size;
            }
            writeBlocked = false;
            updateInterest();
        }

        private void wakeAt(long release) {
            if (timerPending && timerAt - release <= 0) {
                return;
            }
            timerPending = true;
            timerAt = release;
            link.network().schedule(release, () -> {
                if (timerAt == release) {
                    timerPending = false;
                }
                flush();
            });
        }
    }

    private static final class Chunk {
        final ByteBuffer data;
        final int size;
        long release;

        Chunk(ByteBuffer data, int size, long release) {
            this.data = data;
            this.size = size;
            this.release = release;
        }
    }
}
