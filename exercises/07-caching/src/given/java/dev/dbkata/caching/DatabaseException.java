package dev.dbkata.caching;

/** PostgreSQL could not answer: unlike a cache failure, this one reaches the caller. */
public class DatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
