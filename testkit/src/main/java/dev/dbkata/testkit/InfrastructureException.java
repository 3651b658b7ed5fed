package dev.dbkata.testkit;

/**
 * The servers a test needs could not be given to it: they would not start, could not be mended
 * between tests, or no backend can run them here. Not the code under test's doing, so graders
 * report it apart from a failed check ({@code error}, not {@code failed}).
 */
public class InfrastructureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InfrastructureException(String message) {
        super(message);
    }

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
