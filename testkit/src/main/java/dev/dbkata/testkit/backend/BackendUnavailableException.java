package dev.dbkata.testkit.backend;

import dev.dbkata.testkit.InfrastructureException;

/** The servers a test asked for cannot be started here; the message says why and what to do. */
public class BackendUnavailableException extends InfrastructureException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
