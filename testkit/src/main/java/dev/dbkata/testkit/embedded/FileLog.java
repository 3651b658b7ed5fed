package dev.dbkata.testkit.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import dev.dbkata.testkit.backend.ServerLog;

/**
 * A server's log file, which the server appends to for as long as the node lives (restarts
 * included), so a mark is a length. Reading is bounded: at most the last {@code maxBytes} after
 * the mark, cut to whole lines.
 */
final class FileLog implements ServerLog {

    private final Path file;

    FileLog(Path file) {
        this.file = file;
    }

    @Override
    public Mark mark() {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            length = 0;
        }
        return new Mark(length, Instant.now());
    }

    @Override
    public String since(Mark mark, int maxBytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long from = size < mark.length() ? 0 : mark.length();
            long start = Math.max(from, size - maxBytes);
            ByteBuffer buffer = ByteBuffer.allocate((int) (size - start));
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, start + buffer.position()) < 0) {
                    break;
                }
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            if (start > from) {
                // Started mid-line: that line's beginning was left out.
                int newline = text.indexOf('\n');
                text = newline < 0 ? "" : text.substring(newline + 1);
            }
            // The server may be writing the last line right now.
            int last = text.lastIndexOf('\n');
            return last < 0 ? "" : text.substring(0, last + 1);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
