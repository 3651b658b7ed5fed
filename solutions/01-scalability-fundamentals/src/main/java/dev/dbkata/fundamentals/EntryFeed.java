package dev.dbkata.fundamentals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.sql.DataSource;

/**
 * The activity feed with keyset pagination: a page starts right after the last row of the page
 * before, found through an index on the sort key, so page 1,000 costs what page 1 costs.
 */
public final class EntryFeed {

    private static final String COLUMNS = "SELECT id, created_at, note FROM entries ";
    private static final String ORDER = " ORDER BY created_at DESC, id DESC LIMIT ?";

    private final DataSource dataSource;

    public EntryFeed(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void prepare() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // The sort key, id included: it makes the order total, so a cursor names one position.
            s.execute("CREATE INDEX IF NOT EXISTS entries_newest_first ON entries (created_at DESC, id DESC)");
        }
    }

    public Page newest(int size) throws SQLException {
        requirePositive(size);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(COLUMNS + ORDER)) {
            s.setInt(1, size + 1);
            return page(s, size);
        }
    }

    public Page after(String cursor, int size) throws SQLException {
        requirePositive(size);
        Position from = Position.decode(cursor);
        try (Connection c = dataSource.getConnection();
             // A row comparison, which the index on (created_at DESC, id DESC) serves directly.
             PreparedStatement s = c.prepareStatement(COLUMNS + "WHERE (created_at, id) < (?, ?)" + ORDER)) {
            s.setObject(1, OffsetDateTime.ofInstant(from.createdAt(), ZoneOffset.UTC));
            s.setLong(2, from.id());
            s.setInt(3, size + 1);
            return page(s, size);
        }
    }

    /** Reads up to size + 1 rows: the extra one only tells whether another page follows. */
    private static Page page(PreparedStatement s, int size) throws SQLException {
        List<FeedEntry> rows = new ArrayList<>(size + 1);
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(new FeedEntry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3)));
            }
        }
        if (rows.size() <= size) {
            return new Page(rows, null);
        }
        List<FeedEntry> entries = rows.subList(0, size);
        FeedEntry last = entries.get(size - 1);
        return new Page(entries, new Position(last.createdAt(), last.id()).encode());
    }

    private static void requirePositive(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a page holds at least one entry, asked for " + size);
        }
    }

    /** Where a page ended: the sort key of its last row. */
    private record Position(Instant createdAt, long id) {

        String encode() {
            String plain = createdAt + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            if (cursor == null) {
                throw new IllegalArgumentException("no cursor: start with newest()");
            }
            try {
                String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = plain.indexOf('|');
                return new Position(Instant.parse(plain.substring(0, bar)), Long.parseLong(plain.substring(bar + 1)));
            } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("not a cursor of this feed: " + cursor, e);
            }
        }
    }
}
