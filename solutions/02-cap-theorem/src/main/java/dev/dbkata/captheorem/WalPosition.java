package dev.dbkata.captheorem;

/**
 * A position in PostgreSQL's write-ahead log ({@code pg_lsn}): a 64-bit byte offset, printed as
 * two hexadecimal halves, {@code high/low} ({@code 0/3000060}, {@code 1/A0}).
 *
 * @param value the byte offset, unsigned
 */
public record WalPosition(long value) implements Comparable<WalPosition> {

    /**
     * Reads the text PostgreSQL prints for a {@code pg_lsn}.
     *
     * @throws IllegalArgumentException when {@code text} is not {@code X/Y} with up to 8 hex digits each
     */
    public static WalPosition parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Not a WAL position: null");
        }
        int slash = text.indexOf('/');
        if (slash < 1 || slash > 8 || slash == text.length() - 1 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("Not a WAL position (expected hex/hex, like 0/3000060): " + text);
        }
        try {
            long high = Long.parseLong(text.substring(0, slash), 16);
            long low = Long.parseLong(text.substring(slash + 1), 16);
            return new WalPosition(high << 32 | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a WAL position (expected hex/hex, like 0/3000060): " + text, e);
        }
    }

    /** Bytes of WAL from {@code earlier} up to this position (negative when {@code earlier} is in fact later). */
    public long bytesAfter(WalPosition earlier) {
        return value - earlier.value;
    }

    public boolean isAtLeast(WalPosition other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(WalPosition other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** The form PostgreSQL prints, so it can be passed back as {@code ?::pg_lsn}. */
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
