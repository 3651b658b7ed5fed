package dev.dbkata.fundamentals;

import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Imports time entries with one {@code COPY}: one statement, one transaction, whatever the size. */
public final class EntryImporter {

    /** COPY's error context: {@code COPY time_entries, line 15001, column minutes: "0"}. */
    private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]+, line (\\d+)");

    private final DataSource dataSource;

    public EntryImporter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long importCsv(Reader csv) throws ImportFailedException, SQLException, IOException {
        try (Connection connection = dataSource.getConnection()) {
            // One statement is one transaction in autocommit mode: COPY stores every row or none.
            // HEADER MATCH also checks that the columns are the ones we expect, in that order.
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY time_entries (id, user_id, project, started_at, minutes)"
                            + " FROM STDIN (FORMAT csv, HEADER MATCH)", csv);
        } catch (PSQLException e) {
            ServerErrorMessage server = e.getServerErrorMessage();
            Long line = server == null ? null : lineOf(server.getWhere());
            if (line == null) {
                throw e;
            }
            String detail = server.getDetail() == null ? "" : " (" + server.getDetail() + ")";
            throw new ImportFailedException(line, server.getMessage() + detail, e);
        }
    }

    /** The file line COPY was reading when it failed; COPY counts the header as line 1, like an editor. */
    private static Long lineOf(String where) {
        if (where == null) {
            return null;
        }
        Matcher m = COPY_LINE.matcher(where);
        return m.find() ? Long.valueOf(m.group(1)) : null;
    }
}
