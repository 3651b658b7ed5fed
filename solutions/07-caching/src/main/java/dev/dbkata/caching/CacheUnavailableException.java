package dev.dbkata.caching;

/** Redis did not answer in time, or is being skipped: the caller goes to PostgreSQL instead. */
final class CacheUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CacheUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
