package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.sql.DataSource;

/**
 * The {@code customers} table, list-partitioned by country code into one partition per region,
 * with {@code customers_other} for every country no region lists.
 *
 * <p>Reference solution: a relocation is one {@code UPDATE} on the parent, which PostgreSQL turns
 * into a delete from the old partition and an insert into the new one inside the same statement.
 */
public final class RegionalCustomers {

    public static final String TABLE = "customers";
    public static final String OTHER_PARTITION = "customers_other";

    private static final Pattern REGION_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern COUNTRY_CODE = Pattern.compile("[A-Z]{2}");

    private final DataSource dataSource;

    public RegionalCustomers(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The partition of {@code region}: {@code customers_europe} for {@code europe}. */
    public static String partitionName(String region) {
        if (!REGION_NAME.matcher(region).matches()) {
            throw new IllegalArgumentException("A region name is lower-case letters, digits and _: " + region);
        }
        return TABLE + "_" + region;
    }

    public void createTable(Map<String, Set<String>> countriesByRegion) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + TABLE + " ("
                        + " id bigint NOT NULL,"
                        + " country text NOT NULL,"
                        + " name text NOT NULL"
                        + ") PARTITION BY LIST (country)");
                for (Map.Entry<String, Set<String>> region : countriesByRegion.entrySet()) {
                    s.execute("CREATE TABLE " + partitionName(region.getKey()) + " PARTITION OF " + TABLE
                            + " FOR VALUES IN (" + countryList(region.getValue()) + ")");
                }
                s.execute("CREATE TABLE " + OTHER_PARTITION + " PARTITION OF " + TABLE + " DEFAULT");
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create " + TABLE + ": " + e.getMessage(), e);
        }
    }

    public boolean relocate(long customerId, String newCountry) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE " + TABLE + " SET country = ? WHERE id = ?")) {
            s.setString(1, newCountry);
            s.setLong(2, customerId);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not relocate customer " + customerId + ": " + e.getMessage(), e);
        }
    }

    private static String countryList(Set<String> countries) {
        if (countries.isEmpty()) {
            throw new IllegalArgumentException("A region needs at least one country");
        }
        return countries.stream().sorted().map(code -> {
            if (!COUNTRY_CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("A country is two upper-case letters: " + code);
            }
            return "'" + code + "'";
        }).collect(Collectors.joining(", "));
    }
}
