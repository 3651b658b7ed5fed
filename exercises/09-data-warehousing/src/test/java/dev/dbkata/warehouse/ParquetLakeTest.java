package dev.dbkata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.dbkata.testkit.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task parquet-lake: the warehouse's {@code sales} (two years, 24 months) exported as Hive-partitioned
 * Parquet ({@code year=2025/month=2/...}), and a month's revenue answered from the lake while reading
 * only that month's files. No PostgreSQL here: the lake is files and DuckDB.
 *
 * <p>Rejects:
 * <ul>
 *   <li>a lake written in one file, or in folders that are not {@code year=/month=};</li>
 *   <li>an export that adds to the lake when it runs again (the nightly job reruns): every month
 *       would then count twice;</li>
 *   <li>a lake partitioned by a column the month's query does not filter on (by plan, by customer);</li>
 *   <li>a month's query that filters on {@code ordered_at} instead of the partition columns: DuckDB
 *       then opens every file (its plan shows no {@code Scanning Files: 1/24}), and a corrupt file in
 *       another month breaks it;</li>
 *   <li>a month's query that reads the DuckDB table instead of the lake.</li>
 * </ul>
 */
@Task(id = "parquet-lake", title = "A partitioned Parquet lake that prunes", points = 3)
class ParquetLakeTest {

    private static final Pattern SCANNING = Pattern.compile("Scanning Files: (\\d+)/(\\d+)");
    private static final Pattern PARTITION = Pattern.compile("year=(\\d{4})/month=(\\d{1,2})");

    @TempDir
    Path dir;

    private Path lake;

    @BeforeEach
    void lakeFolder() {
        lake = dir.resolve("lake");
    }

    @Test
    @DisplayName("every Parquet file sits in its year=/month= folder and holds only that month's sales, once after a rerun")
    void lakeIsPartitionedByYearAndMonth() throws Exception {
        try (Connection duck = warehouseWithSales()) {
            // The nightly export runs, then runs again: the lake must hold the sales once.
            new SalesLake(duck).export(lake);
            new SalesLake(duck).export(lake);

            List<Path> files = parquetFiles();
            assertThat(files).as("Parquet files under the lake folder").isNotEmpty();
            Map<String, Long> rowsPerFolder = new TreeMap<>();
            for (Path file : files) {
                String folder = lake.relativize(file.getParent()).toString().replace('\\', '/');
                Matcher partition = PARTITION.matcher(folder);
                assertThat(partition.matches())
                        .as("%s should sit in a folder year=YYYY/month=M below the lake (Hive partitioning by year and"
                                + " month), not in %s", lake.relativize(file), folder.isEmpty() ? "the lake's root" : folder)
                        .isTrue();
                List<String> counts = Sql.rows(duck, "SELECT count(*), count(*) FILTER (WHERE year(ordered_at) <> ?"
                        + " OR month(ordered_at) <> ?) FROM read_parquet(?, hive_partitioning = false)",
                        Integer.parseInt(partition.group(1)), Integer.parseInt(partition.group(2)), file.toString());
                String[] c = counts.get(0).split(" \\| ");
                assertThat(Long.parseLong(c[1]))
                        .as("sales in %s whose ordered_at is not in that folder's month", lake.relativize(file))
                        .isZero();
                rowsPerFolder.merge(folder, Long.parseLong(c[0]), Long::sum);
            }
            assertThat(rowsPerFolder).as("month folders in the lake (two years of sales)").hasSize(24);
            assertThat(rowsPerFolder.values().stream().mapToLong(Long::longValue).sum())
                    .as("sales in the lake, all folders together, after the export ran twice: a rerun replaces the"
                            + " lake (OVERWRITE), it does not add a second copy of every month")
                    .isEqualTo(24_000);
        }
    }

    @Test
    @DisplayName("a month's revenue from the lake is right and reads that month's files only (the plan says so)")
    void monthQueryPrunes() throws Exception {
        try (Connection duck = warehouseWithSales()) {
            SalesLake sales = new SalesLake(duck);
            sales.export(lake);
            int total = parquetFiles().size();

            for (YearMonth month : List.of(YearMonth.of(2024, 2), YearMonth.of(2025, 11))) {
                String query = sales.monthRevenueQuery(lake, month);
                assertThat(revenue(duck, query))
                        .as("revenue of %s from the lake (expected: the sales table's) by: %s", month, query)
                        .isEqualByComparingTo(expectedRevenue(duck, month));
                String plan = String.join("\n", Sql.rows(duck, "EXPLAIN " + query));
                Matcher scanning = SCANNING.matcher(plan);
                assertThat(scanning.find())
                        .as("the plan of the query for %s has no \"Scanning Files: k/n\" line. DuckDB prints it when a"
                                + " query over read_parquet(..., hive_partitioning = true) filters on partition columns,"
                                + " and prunes folders from their names alone; a query over the sales table, over one"
                                + " file, or filtered on ordered_at has none. The plan was:%n%s", month, plan)
                        .isTrue();
                long monthFiles = parquetFiles().stream()
                        .filter(f -> lake.relativize(f).toString().replace('\\', '/')
                                .startsWith("year=" + month.getYear() + "/month=" + month.getMonthValue() + "/"))
                        .count();
                assertThat(scanning.group(1) + "/" + scanning.group(2))
                        .as("files DuckDB scans for %s, of all the lake's files (\"Scanning Files\" in the plan): only that"
                                + " month's. Filter on the partition columns year and month, not on ordered_at, so DuckDB"
                                + " prunes the other folders before opening them. The plan was:%n%s", month, plan)
                        .isEqualTo(monthFiles + "/" + total);
            }
        }
    }

    @Test
    @DisplayName("a corrupt file in another month does not break a month's query")
    void corruptFileElsewhereIsNeverOpened() throws Exception {
        try (Connection duck = warehouseWithSales()) {
            SalesLake sales = new SalesLake(duck);
            sales.export(lake);
            Path corrupt = lake.resolve("year=2024").resolve("month=5").resolve("zz-corrupt.parquet");
            Files.createDirectories(corrupt.getParent());
            Files.writeString(corrupt, "this is not a parquet file", StandardCharsets.UTF_8);

            YearMonth march = YearMonth.of(2025, 3);
            String query = sales.monthRevenueQuery(lake, march);
            BigDecimal answer;
            try {
                answer = revenue(duck, query);
            } catch (IllegalStateException e) {
                throw new AssertionError("the query for March 2025 failed because of a corrupt file in year=2024/month=5:"
                        + " it opened a file of another month. Filter on the partition columns (year, month) so other"
                        + " folders are never read. Query: " + query + "\nError: " + e.getMessage(), e);
            }
            assertThat(answer).as("revenue of March 2025 from the lake, next to a corrupt May 2024 file")
                    .isEqualByComparingTo(expectedRevenue(duck, march));
        }
    }

    /** A warehouse with 24,000 sales, from 2024-01-01 to mid-December 2025, one every 43 minutes. */
    private Connection warehouseWithSales() throws Exception {
        Connection duck = DuckDb.open(dir.resolve("warehouse.duckdb"));
        Sql.execute(duck, "CREATE TABLE sales AS SELECT i AS order_id, i % 300 AS customer_id,"
                + " (['basic', 'pro', 'team', 'enterprise'])[1 + i % 4] AS plan,"
                + " CAST(CAST((i * 7919) % 50000 AS DECIMAL(18,0)) * 0.01 AS DECIMAL(12,2)) AS amount,"
                + " TIMESTAMP '2024-01-01 00:00:00' + to_minutes(CAST(i * 43 AS BIGINT)) AS ordered_at"
                + " FROM range(0, 24000) t(i)");
        return duck;
    }

    private static BigDecimal expectedRevenue(Connection duck, YearMonth month) {
        return new BigDecimal(Sql.rows(duck, "SELECT coalesce(sum(amount), 0) FROM sales WHERE year(ordered_at) = ?"
                + " AND month(ordered_at) = ?", month.getYear(), month.getMonthValue()).get(0));
    }

    private static BigDecimal revenue(Connection duck, String query) {
        List<String> rows = Sql.rows(duck, query);
        assertThat(rows).as("rows returned by the month's query (one: the revenue): %s", query).hasSize(1);
        return new BigDecimal(rows.get(0));
    }

    private List<Path> parquetFiles() throws IOException {
        if (!Files.isDirectory(lake)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(lake)) {
            return walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .filter(f -> !f.getFileName().toString().startsWith("zz-corrupt"))
                    .sorted().collect(Collectors.toList());
        }
    }
}
