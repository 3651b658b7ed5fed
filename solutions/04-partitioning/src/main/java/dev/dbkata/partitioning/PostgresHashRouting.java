package dev.dbkata.partitioning;

/**
 * Predicts, in the application, which partition PostgreSQL's {@code PARTITION BY HASH} on one
 * {@code bigint} column puts a key in, so the application can address that partition directly.
 *
 * <p>Reference solution. PostgreSQL hashes the key with the seeded 64-bit variant of its integer
 * hash (Bob Jenkins' lookup3 mixing over 32 bits), folds it into a running hash that starts at 0,
 * and takes that hash modulo the modulus as an unsigned number.
 */
public final class PostgresHashRouting {

    /** The seed PostgreSQL passes to every key's extended hash function when routing a row. */
    private static final long PARTITION_SEED = 0x7A5B22367996DCFDL;
    /** lookup3's initial value for a 4-byte key: golden ratio + length + a fixed offset. */
    private static final int LOOKUP3_START = 0x9e3779b9 + 4 + 3923095;

    private PostgresHashRouting() {
    }

    public static int remainderFor(long key, int modulus) {
        if (modulus < 1) {
            throw new IllegalArgumentException("A modulus is at least 1, not " + modulus);
        }
        long rowHash = combine(0L, hashBigint(key, PARTITION_SEED));
        return (int) Long.remainderUnsigned(rowHash, modulus);
    }

    /** The server's extended hash of a bigint: fold it to 32 bits so equal int4 and int8 hash alike. */
    static long hashBigint(long value, long seed) {
        int low = (int) value;
        int high = (int) (value >>> 32);
        low ^= value >= 0 ? high : ~high;
        return hash32Extended(low, seed);
    }

    /** lookup3 on one 32-bit word, seeded, returning b and c as the high and low halves. */
    private static long hash32Extended(int key, long seed) {
        int a = LOOKUP3_START;
        int b = LOOKUP3_START;
        int c = LOOKUP3_START;
        if (seed != 0) {
            a += (int) (seed >>> 32);
            b += (int) seed;
            // mix(a, b, c)
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
        }
        a += key;
        // final(a, b, c)
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return ((long) b << 32) | (c & 0xffffffffL);
    }

    /** How the server folds each key column's hash into the row's hash (boost-style combine). */
    static long combine(long accumulated, long keyHash) {
        return accumulated ^ (keyHash + 0x49a0f4dd15e5a8e3L + (accumulated << 54) + (accumulated >>> 7));
    }
}
