package dev.dbkata.caching;

/**
 * A read refused while Redis is unavailable because the database is already answering as many
 * reads from this repository as {@link CacheSettings#fallbackConcurrency()} allows: load shed on
 * purpose, so that a cache outage does not become a database outage. The caller may retry later
 * or show a degraded page.
 */
public class LoadShedException extends DatabaseException {

    private static final long serialVersionUID = 1L;

    public LoadShedException(String message) {
        super(message, null);
    }
}
