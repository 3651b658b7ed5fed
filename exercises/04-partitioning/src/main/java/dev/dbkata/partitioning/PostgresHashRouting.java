package dev.dbkata.partitioning;

/**
 * Predicts, in the application, which partition PostgreSQL's {@code PARTITION BY HASH} on one
 * {@code bigint} column puts a key in, so the application can address that partition directly
 * (write to it, or send the key to the server that holds it).
 *
 * <p>A hash partition declared {@code FOR VALUES WITH (MODULUS m, REMAINDER r)} holds exactly the
 * keys whose partition hash, taken modulo {@code m}, is {@code r}. The partition hash is not
 * Java's {@code hashCode}: it is what the server computes when it routes a row. Its source is in
 * the PostgreSQL repository; the exercise's README says where to read.
 *
 * <p>Thread-safety: stateless; call it from anywhere.
 */
public final class PostgresHashRouting {

    private PostgresHashRouting() {
    }

    /**
     * The remainder PostgreSQL computes for {@code key} under {@code modulus}: the key belongs to
     * the partition declared with {@code (MODULUS modulus, REMAINDER result)}.
     *
     * @param key     any {@code bigint}, negative ones and the extremes included
     * @param modulus at least 1
     * @return a remainder in {@code 0 .. modulus-1}
     * @throws IllegalArgumentException when {@code modulus} is below 1
     */
    public static int remainderFor(long key, int modulus) {
        throw new UnsupportedOperationException(
                "TODO(predict-postgres-hash): reproduce the server's seeded bigint partition hash and its unsigned modulo");
    }
}
