/**
 * Tests of exercise 09: loading PostgreSQL into a DuckDB star schema (full, incremental, with
 * history), a Hive-partitioned Parquet lake, an honest row-vs-column race, and change data capture
 * from a logical replication slot. One test class per task; DuckDB runs inside the test JVM, one
 * database file and one lake folder per test.
 */
@Exercise(title = "Data warehousing and data lakes", level = Level.ADVANCED)
package dev.dbkata.warehouse;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
