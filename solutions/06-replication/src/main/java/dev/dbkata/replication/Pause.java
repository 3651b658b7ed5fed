package dev.dbkata.replication;

import java.io.InterruptedIOException;
import java.sql.SQLException;

/** A short wait between two polls of a server; an interrupt ends the operation that polls. */
final class Pause {

    private Pause() {
    }

    static void millis(long millis) throws SQLException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for a server", "57014", new InterruptedIOException());
        }
    }
}
