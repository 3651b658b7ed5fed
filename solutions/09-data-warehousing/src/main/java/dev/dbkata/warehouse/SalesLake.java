package dev.dbkata.warehouse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.YearMonth;

/**
 * Task parquet-lake (reference): Hive-partitioned Parquet by {@code year=} and {@code month=}, and a
 * month's query that filters on exactly those partition columns, so DuckDB prunes every other
 * folder before opening a file.
 */
public final class SalesLake {

    private final Connection warehouse;

    public SalesLake(Connection warehouse) {
        this.warehouse = warehouse;
    }

    public void export(Path lake) {
        try {
            Staging.execute(warehouse, "COPY (SELECT *, year(ordered_at) AS year, month(ordered_at) AS month FROM sales)"
                    + " TO " + literal(lake) + " (FORMAT parquet, PARTITION_BY (year, month), OVERWRITE)");
        } catch (SQLException e) {
            throw new IllegalStateException("Exporting sales to " + lake + " failed: " + e.getMessage(), e);
        }
    }

    public String monthRevenueQuery(Path lake, YearMonth month) {
        return "SELECT coalesce(sum(amount), 0) FROM read_parquet(" + literal(lake.resolve("*/*/*.parquet"))
                + ", hive_partitioning = true) WHERE year = " + month.getYear() + " AND month = " + month.getMonthValue();
    }

    private static String literal(Path path) {
        return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
