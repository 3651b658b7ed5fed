package dev.dbkata.fundamentals;

import java.io.IOException;
import java.io.Reader;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Imports time entries exported from the old system into {@code time_entries}:
 * <pre>
 * time_entries (id bigint PRIMARY KEY, user_id bigint NOT NULL, project text NOT NULL,
 *               started_at timestamptz NOT NULL, minutes int NOT NULL CHECK (minutes &gt; 0))
 * </pre>
 */
public final class EntryImporter {

    private final DataSource dataSource;

    /** @param dataSource where {@code time_entries} lives; the importer opens and closes its own connections */
    public EntryImporter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Imports every row of a CSV file into {@code time_entries}, all or nothing.
     *
     * <p>The file's first line is the header {@code id,user_id,project,started_at,minutes}; each
     * further line is one entry, such as {@code 17,4,website,2026-03-02T08:15:00Z,45}. No field is
     * quoted and none contains a comma. {@code started_at} is an ISO-8601 instant.
     *
     * <p>Fast: tens of thousands of rows cost the server a handful of statements, not one per
     * row. All rows are written by one transaction: when any row cannot be stored (a value that is
     * not a number, a duplicate {@code id}, {@code minutes} of 0 or less, ...), no row of the file
     * is imported, and the exception names that row's line.
     *
     * @return how many rows were imported
     * @throws ImportFailedException naming the first bad line (header = line 1) when the import
     *         was refused; then {@code time_entries} is as it was before
     * @throws SQLException when the server fails for another reason
     * @throws IOException when the file cannot be read
     */
    public long importCsv(Reader csv) throws ImportFailedException, SQLException, IOException {
        throw new UnsupportedOperationException("TODO(batch-writes): import all rows in one transaction with a few"
                + " statements (COPY or batched inserts), and name the line of a row that breaks a constraint");
    }
}
