package dev.dbkata.replication;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells a failure of the server or the network, after which the same work may succeed on another
 * node, from an error about the work itself, which would fail anywhere.
 */
final class Failures {

    /** The server is shutting down, crashed, or is still starting up. */
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");

    private Failures() {
    }

    static boolean isNodeFailure(SQLException e) {
        String state = e.getSQLState();
        // Class 08 is "connection exception": refused, timed out, broken while in use.
        return state == null || state.startsWith("08") || SERVER_GOING_AWAY.contains(state);
    }
}
