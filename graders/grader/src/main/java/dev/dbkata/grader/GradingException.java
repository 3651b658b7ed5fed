package dev.dbkata.grader;

/** Grading cannot start or go on; the message says what to do. */
public class GradingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GradingException(String message) {
        super(message);
    }

    public GradingException(String message, Throwable cause) {
        super(message, cause);
    }
}
