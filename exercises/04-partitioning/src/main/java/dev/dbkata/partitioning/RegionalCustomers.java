package dev.dbkata.partitioning;

import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

/**
 * The {@code customers} table, list-partitioned by country so that each region's customers sit
 * together: one partition per region, plus {@code customers_other} for every country that no
 * region lists.
 *
 * <p>Columns, in this order: {@code id bigint NOT NULL, country text NOT NULL, name text NOT NULL};
 * countries are ISO codes such as {@code FR}. The partition key is {@code country}.
 *
 * <p>Thread-safety: each call borrows its own connection; calls may run concurrently.
 */
public final class RegionalCustomers {

    public static final String TABLE = "customers";
    public static final String OTHER_PARTITION = "customers_other";

    private final DataSource dataSource;

    public RegionalCustomers(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The partition of {@code region}: {@code customers_europe} for {@code europe}. */
    public static String partitionName(String region) {
        if (!region.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("A region name is lower-case letters, digits and _: " + region);
        }
        return TABLE + "_" + region;
    }

    /**
     * Creates {@code customers}, list-partitioned on {@code country}: for each entry of
     * {@code countriesByRegion} a partition {@link #partitionName(String) partitionName(region)}
     * that accepts exactly those countries, and the default partition {@link #OTHER_PARTITION}.
     *
     * @param countriesByRegion region name to its country codes (two upper-case letters); every
     *                          country appears under one region at most
     * @throws IllegalArgumentException for an empty region or a malformed name or code
     * @throws IllegalStateException    when the database refuses
     */
    public void createTable(Map<String, Set<String>> countriesByRegion) {
        throw new UnsupportedOperationException(
                "TODO(list-by-region): create customers PARTITION BY LIST (country), one partition per region and a DEFAULT");
    }

    /**
     * Gives customer {@code customerId} the country {@code newCountry}. When that country belongs
     * to another region, the row moves to that region's partition; its other columns stay as they
     * were.
     *
     * <p>The change is atomic: at no moment may another session find the customer missing or
     * twice, whichever partitions are involved.
     *
     * @return whether a customer with that id existed (nothing changes when none did)
     * @throws IllegalStateException when the database refuses
     */
    public boolean relocate(long customerId, String newCountry) {
        throw new UnsupportedOperationException(
                "TODO(list-by-region): change the customer's country so the row moves partition in one transaction");
    }
}
