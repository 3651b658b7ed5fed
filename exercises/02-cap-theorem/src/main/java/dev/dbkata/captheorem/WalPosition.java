package dev.dbkata.captheorem;

/**
 * A position in PostgreSQL's write-ahead log ({@code pg_lsn}): a 64-bit byte offset, printed as
 * two hexadecimal halves, {@code high/low} ({@code 0/3000060}, {@code 1/A0}): the part before the
 * slash is the high 32 bits.
 *
 * @param value the byte offset, unsigned
 */
public record WalPosition(long value) implements Comparable<WalPosition> {

    /**
     * Reads the text PostgreSQL prints for a {@code pg_lsn}.
     *
     * @throws IllegalArgumentException when {@code text} is not {@code X/Y} in hexadecimal
     */
    public static WalPosition parse(String text) {
        throw new UnsupportedOperationException("TODO(observe-staleness): parse 'high/low' (two hex numbers) into one"
                + " 64-bit byte offset");
    }

    /** Bytes of WAL from {@code earlier} up to this position (negative when {@code earlier} is in fact later). */
    public long bytesAfter(WalPosition earlier) {
        throw new UnsupportedOperationException("TODO(observe-staleness): the difference of two WAL positions in bytes");
    }

    public boolean isAtLeast(WalPosition other) {
        return compareTo(other) >= 0;
    }

    /** WAL order: earlier positions first. */
    @Override
    public int compareTo(WalPosition other) {
        throw new UnsupportedOperationException("TODO(observe-staleness): compare WAL positions as numbers");
    }

    /** The form PostgreSQL prints ({@code 0/3000060}), so it can be passed back as {@code ?::pg_lsn}. */
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
