package dev.dbkata.partitioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import dev.dbkata.testkit.Level;
import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task predict-postgres-hash: for {@code PARTITION BY HASH} on a {@code bigint}, compute in Java
 * the partition PostgreSQL picks, checked against where the server really stores each key.
 *
 * <p>Rejects:
 * <ul>
 *   <li>Java's own hashes ({@code Long.hashCode}, the key itself) modulo the modulus;</li>
 *   <li>a signed modulo: half of PostgreSQL's 64-bit hashes have the top bit set, and the server
 *       reduces them as unsigned numbers;</li>
 *   <li>the 32-bit integer hash instead of the seeded 64-bit one, or the right hash without the
 *       partition seed;</li>
 *   <li>the key's hash used as the row's hash without the combining step that PostgreSQL applies;</li>
 *   <li>folding a negative key's halves as if it were positive (negative keys go elsewhere);</li>
 *   <li>assembling the 64-bit hash with the low word sign-extended, or reducing it with
 *       {@code Math.floorMod}: invisible to modulus 8, which reads only the lowest bits, so
 *       other moduli are checked too.</li>
 * </ul>
 */
@Task(id = "predict-postgres-hash", title = "Predict PostgreSQL's hash partition", level = Level.ADVANCED, points = 5)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
class PredictPostgresHashTest {

    private static final int MODULUS = 8;

    @BeforeEach
    void accountsHashedIntoEightPartitions(PostgresNode node) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE accounts (id bigint NOT NULL) PARTITION BY HASH (id);");
        for (int r = 0; r < MODULUS; r++) {
            ddl.append(" CREATE TABLE accounts_p").append(r).append(" PARTITION OF accounts")
                    .append(" FOR VALUES WITH (MODULUS ").append(MODULUS).append(", REMAINDER ").append(r).append(");");
        }
        node.execute(ddl.toString());
    }

    @Test
    @DisplayName("for 3,000 keys, small and huge, positive and negative, Java names the partition the server chose")
    void predictsThePartitionOfEveryKey(PostgresNode node) throws SQLException {
        long[] keys = keys();
        try (Connection c = node.dataSource().getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO accounts (id) SELECT unnest(?::bigint[])")) {
            insert.setArray(1, c.createArrayOf("bigint", LongStream.of(keys).boxed().toArray()));
            insert.executeUpdate();
        }

        List<String> wrong = new ArrayList<>();
        int checked = 0;
        try (Connection c = node.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, tableoid::regclass::text FROM accounts");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                checked++;
                long key = rs.getLong(1);
                String actual = rs.getString(2);
                String predicted = "accounts_p" + PostgresHashRouting.remainderFor(key, MODULUS);
                if (!predicted.equals(actual)) {
                    wrong.add(key + " -> predicted " + predicted + ", server stored it in " + actual);
                }
            }
        }
        assertThat(checked).as("keys stored").isEqualTo(keys.length);
        assertThat(wrong.size()).as("keys predicted wrongly, of %d (the server's choice comes from tableoid); the first"
                + " ones: %s", checked, wrong.subList(0, Math.min(8, wrong.size()))).isZero();
    }

    @Test
    @DisplayName("the prediction holds for any modulus, odd and large ones included (satisfies_hash_partition agrees)")
    void predictsForEveryModulus(PostgresNode node) throws SQLException {
        long[] keys = new Random(17).longs(400).toArray();
        List<String> wrong = new ArrayList<>();
        for (int modulus : new int[] {1, 2, 3, 7, 10, 64, 1000, 65_521}) {
            Long[] boxed = new Long[keys.length];
            Integer[] remainders = new Integer[keys.length];
            for (int i = 0; i < keys.length; i++) {
                boxed[i] = keys[i];
                remainders[i] = PostgresHashRouting.remainderFor(keys[i], modulus);
            }
            try (Connection c = node.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT k FROM unnest(?::bigint[], ?::int[]) AS t(k, r)"
                         + " WHERE NOT satisfies_hash_partition('accounts'::regclass, ?, r, k) LIMIT 3")) {
                Array keyArray = c.createArrayOf("bigint", boxed);
                s.setArray(1, keyArray);
                s.setArray(2, c.createArrayOf("integer", remainders));
                s.setInt(3, modulus);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        wrong.add("modulus " + modulus + ": key " + rs.getLong(1) + " does not have remainder "
                                + PostgresHashRouting.remainderFor(rs.getLong(1), modulus));
                    }
                }
            }
        }
        assertThat(wrong).as("remainders the server rejects (up to 3 per modulus). A power of two as modulus reads only"
                + " the lowest bits of the 64-bit row hash; other moduli read all 64 bits, as an unsigned number").isEmpty();
    }

    /** Edges (0, ±1, the extremes, around 2^31 and 2^32), then random keys of every size and sign. */
    private static long[] keys() {
        Random random = new Random(2026);
        LongStream edges = LongStream.of(0, 1, -1, 2, -2, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE,
                Integer.MIN_VALUE, 1L << 31, 1L << 32, (1L << 32) + 1, -(1L << 32), 4_294_967_295L);
        LongStream small = LongStream.rangeClosed(3, 1000);
        LongStream negative = random.longs(500, -1_000_000_000_000L, 0);
        LongStream wide = random.longs(1488);
        return LongStream.concat(LongStream.concat(edges, small), LongStream.concat(negative, wide)).distinct().toArray();
    }
}
