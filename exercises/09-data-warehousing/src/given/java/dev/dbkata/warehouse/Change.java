package dev.dbkata.warehouse;

import java.util.Map;

/**
 * One message of the {@code test_decoding} output plugin, parsed by {@link TestDecoding#parse}.
 *
 * @param kind    what the message says
 * @param table   the table a row change is about, schema-qualified ({@code public.customers}); null
 *                for {@code BEGIN} and {@code COMMIT}
 * @param newRow  the row after an {@code INSERT} or {@code UPDATE}, column name to its text value
 *                ({@code null} for SQL NULL); empty for the other kinds
 * @param oldKey  for {@code UPDATE} and {@code DELETE}: the old row's replica identity columns, as
 *                PostgreSQL logged them (the primary key with {@code REPLICA IDENTITY DEFAULT}, every
 *                column with {@code FULL}). An {@code UPDATE} carries it only when the identity
 *                changed or the identity is {@code FULL}; otherwise it is empty.
 */
public record Change(Kind kind, String table, Map<String, String> newRow, Map<String, String> oldKey) {

    /** The kinds of message {@code test_decoding} writes. */
    public enum Kind { BEGIN, COMMIT, INSERT, UPDATE, DELETE, OTHER }

    public Change {
        newRow = newRow == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(newRow));
        oldKey = oldKey == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(oldKey));
    }

    /** True for an INSERT, UPDATE or DELETE of {@code table} (schema-qualified). */
    public boolean isRowChangeOf(String qualifiedTable) {
        return (kind == Kind.INSERT || kind == Kind.UPDATE || kind == Kind.DELETE) && qualifiedTable.equals(table);
    }
}
