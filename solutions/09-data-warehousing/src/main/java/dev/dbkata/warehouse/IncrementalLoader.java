package dev.dbkata.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Task incremental-load (reference): the watermark is a PostgreSQL snapshot, not a timestamp.
 *
 * <p>Each load reads in one REPEATABLE READ transaction and records that transaction's snapshot
 * ({@code pg_current_snapshot()}: which transactions had committed when it began). The next load
 * takes every row whose creating transaction ({@code xmin}) was NOT visible in the recorded
 * snapshot: committed since, or still running then. A transaction that was open during a load is
 * in that snapshot's in-progress list, so its rows come with the next load, however early their
 * timestamps. Deletes come from the app's tombstones the same way. The rows, the deletions and the
 * new snapshot are written in one DuckDB transaction, so a crash repeats a load instead of losing it.
 *
 * <p>The {@code xmin::text::xid8} conversion assumes the server has not wrapped its 32-bit
 * transaction counter (epoch 0), which holds for any server younger than about four billion
 * transactions; SOLUTION.md shows the epoch-aware form.
 */
public final class IncrementalLoader {

    private static final String CHANGED = "NOT pg_visible_in_snapshot(xmin::text::xid8, CAST(? AS pg_snapshot))";

    private final DataSource postgres;
    private final Connection warehouse;

    public IncrementalLoader(DataSource postgres, Connection warehouse) {
        this.postgres = postgres;
        this.warehouse = warehouse;
    }

    public LoadReport load() {
        try {
            Staging.execute(warehouse,
                    "CREATE TABLE IF NOT EXISTS orders (order_id BIGINT, customer_id BIGINT, plan_id INTEGER,"
                            + " amount DECIMAL(12,2), ordered_at TIMESTAMP, updated_at TIMESTAMP)",
                    "CREATE TABLE IF NOT EXISTS load_watermark (source VARCHAR, snapshot VARCHAR)",
                    "CREATE OR REPLACE TABLE stage_changed (order_id BIGINT, customer_id BIGINT, plan_id INTEGER,"
                            + " amount DECIMAL(12,2), ordered_at TIMESTAMP, updated_at TIMESTAMP)",
                    "CREATE OR REPLACE TABLE stage_deleted (order_id BIGINT)");
            String previous = previousSnapshot();
            String snapshot;
            try (Connection pg = postgres.getConnection()) {
                pg.setAutoCommit(false);
                pg.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                pg.setReadOnly(true);
                try {
                    snapshot = currentSnapshot(pg);
                    String columns = "SELECT order_id, customer_id, plan_id, amount, ordered_at, updated_at FROM orders";
                    if (previous == null) {
                        Staging.copy(pg, columns, warehouse, "stage_changed");
                    } else {
                        Staging.copy(pg, columns + " WHERE " + CHANGED, warehouse, "stage_changed", previous);
                        // Deleted since the last load and not back again.
                        Staging.copy(pg, "SELECT DISTINCT d.order_id FROM order_deletions d WHERE " + CHANGED
                                        + " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = d.order_id)",
                                warehouse, "stage_deleted", previous);
                    }
                    pg.commit();
                } catch (SQLException | RuntimeException e) {
                    pg.rollback();
                    throw e;
                }
            }
            boolean first = previous == null;
            return Staging.inTransaction(warehouse, () -> {
                int deleted;
                int upserted;
                try (var s = warehouse.createStatement()) {
                    if (first) {
                        s.execute("DELETE FROM orders");
                    }
                    deleted = s.executeUpdate("DELETE FROM orders WHERE order_id IN (SELECT order_id FROM stage_deleted)");
                    s.executeUpdate("DELETE FROM orders WHERE order_id IN (SELECT order_id FROM stage_changed)");
                    upserted = s.executeUpdate("INSERT INTO orders SELECT * FROM stage_changed");
                    s.execute("DELETE FROM load_watermark WHERE source = 'orders'");
                }
                try (PreparedStatement p = warehouse.prepareStatement(
                        "INSERT INTO load_watermark VALUES ('orders', ?)")) {
                    p.setString(1, snapshot);
                    p.executeUpdate();
                }
                Staging.execute(warehouse, "DROP TABLE stage_changed", "DROP TABLE stage_deleted");
                return new LoadReport(upserted, deleted);
            });
        } catch (SQLException e) {
            throw new IllegalStateException("The incremental load failed: " + e.getMessage(), e);
        }
    }

    private String previousSnapshot() throws SQLException {
        try (var s = warehouse.createStatement();
             ResultSet rs = s.executeQuery("SELECT snapshot FROM load_watermark WHERE source = 'orders'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String currentSnapshot(Connection pg) throws SQLException {
        try (var s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_snapshot()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
