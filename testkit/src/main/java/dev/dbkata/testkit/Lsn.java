package dev.dbkata.testkit;

/**
 * A PostgreSQL WAL position ({@code pg_lsn}), such as {@code 0/3000060}: a byte offset in the
 * write-ahead log, so two of them compare and subtract as numbers.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    /**
     * Parses the text form PostgreSQL prints.
     *
     * @throws IllegalArgumentException when {@code text} is not {@code X/Y} in hexadecimal
     */
    public static Lsn parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException("Not an LSN (expected hex/hex, like 0/3000060): " + text);
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new Lsn((high << 32) | low);
    }

    /** How many bytes of WAL lie between {@code earlier} and this position. */
    public long bytesAfter(Lsn earlier) {
        return value - earlier.value;
    }

    public boolean isAtLeast(Lsn other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
