package dev.dbkata.fundamentals;

import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * The activity feed: every time entry of the team, newest first, one page at a time, read from
 * <pre>
 * entries (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text NOT NULL)
 * </pre>
 * Newest first means by {@code created_at} descending; entries with the same {@code created_at}
 * (there are many) come by {@code id} descending.
 *
 * <p>Thread-safe; keeps no state between calls: everything it needs to find the next page is in
 * the cursor.
 */
public final class EntryFeed {

    private final DataSource dataSource;

    public EntryFeed(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Creates what the feed's queries need to read one page without reading the rest of the
     * table (for instance an index). Safe to call again: then it changes nothing.
     */
    public void prepare() throws SQLException {
        throw new UnsupportedOperationException("TODO(keyset-pagination): create the index that serves"
                + " ORDER BY created_at DESC, id DESC");
    }

    /** The first page: the {@code size} newest entries, and a cursor for the page after them. */
    public Page newest(int size) throws SQLException {
        throw new UnsupportedOperationException("TODO(keyset-pagination): read the newest page and make a cursor"
                + " from its last row");
    }

    /**
     * The {@code size} entries that come right after the page whose cursor this is. Entries
     * created meanwhile at the head of the feed change nothing: paging from the first page to the
     * last returns every entry that existed when paging began exactly once. A page reads about
     * {@code size} rows from the server, however deep it is.
     *
     * @param cursor a {@link Page#nextCursor()} this feed returned
     * @return the next page; its cursor is {@code null} when no entry comes after it
     * @throws IllegalArgumentException when {@code cursor} is not one this feed made
     */
    public Page after(String cursor, int size) throws SQLException {
        throw new UnsupportedOperationException("TODO(keyset-pagination): read the page after the cursor's row"
                + " with WHERE (created_at, id) < (...), not with OFFSET");
    }
}
