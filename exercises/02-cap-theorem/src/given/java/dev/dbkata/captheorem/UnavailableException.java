package dev.dbkata.captheorem;

/**
 * A {@link Consistency#CONSISTENT} read refused: the reader could not show, within its bound,
 * that the replica has everything the primary had committed when the read began.
 */
public class UnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
