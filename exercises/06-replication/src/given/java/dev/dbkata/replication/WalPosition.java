package dev.dbkata.replication;

/**
 * A position in PostgreSQL's write-ahead log (a {@code pg_lsn}, printed as {@code 16/B374D848}):
 * a 64-bit byte offset, written as two hexadecimal halves. Positions of one cluster compare and
 * subtract as plain numbers, which is what makes replication lag measurable in bytes.
 *
 * @param bytes the offset from the start of the log
 */
public record WalPosition(long bytes) implements Comparable<WalPosition> {

    /**
     * Reads the text form PostgreSQL prints ({@code SELECT pg_current_wal_lsn()::text}).
     *
     * @throws IllegalArgumentException when {@code text} is null or not {@code hex/hex}
     */
    public static WalPosition parse(String text) {
        if (text == null || !text.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
            throw new IllegalArgumentException("Not a WAL position (pg_lsn) such as 0/3000060: " + text);
        }
        String[] halves = text.split("/");
        // Compared as strings, 0/9000000 would sort after 0/10000000: always compare the numbers.
        return new WalPosition(Long.parseLong(halves[0], 16) << 32 | Long.parseLong(halves[1], 16));
    }

    /** How many bytes of WAL lie between {@code older} and this position (negative if this is older). */
    public long bytesAfter(WalPosition older) {
        return bytes - older.bytes;
    }

    public boolean isAtLeast(WalPosition other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(WalPosition other) {
        return Long.compareUnsigned(bytes, other.bytes);
    }

    /** The form PostgreSQL accepts back, as in {@code SELECT '16/B374D848'::pg_lsn}. */
    @Override
    public String toString() {
        return String.format("%X/%X", bytes >>> 32, bytes & 0xFFFF_FFFFL);
    }
}
