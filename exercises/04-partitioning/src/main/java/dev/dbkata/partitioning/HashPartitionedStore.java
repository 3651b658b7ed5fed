package dev.dbkata.partitioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

/**
 * Orders spread over plain tables {@code orders_0 .. orders_(n-1)} by a hash of the customer id:
 * partitioning done by the application, as it would be across servers (see exercise 05).
 *
 * <p>Each table has the columns {@code customer_id bigint NOT NULL, order_id bigint PRIMARY KEY,
 * amount_cents bigint NOT NULL} and an index on {@code customer_id}. All orders of one customer
 * live in one table, the one {@link #tableFor(long)} names.
 *
 * <p>Placement is a pure function of the customer id and the table count: a store created later
 * with the same count (another application server, a restart) finds every row.
 *
 * <p>Thread-safety: {@link #insert} and {@link #ordersOf} may be called from many threads, also
 * while {@link #growTo} runs in another thread, and also when they started before it: an insert
 * or a read that is still running when a growth begins must not lose or miss a row because of it.
 * One {@code growTo} at a time. The promise covers the threads that share this store object; other
 * store objects (other processes) that write to the same tables during a growth are not
 * coordinated with it.
 */
public final class HashPartitionedStore {

    public static final String TABLE_PREFIX = "orders_";

    private final DataSource dataSource;
    private volatile int tableCount;

    /**
     * @param tableCount how many tables the orders are spread over, at least 1
     * @throws IllegalArgumentException when {@code tableCount} is below 1
     */
    public HashPartitionedStore(DataSource dataSource, int tableCount) {
        if (tableCount < 1) {
            throw new IllegalArgumentException("At least one table is needed, not " + tableCount);
        }
        this.dataSource = dataSource;
        this.tableCount = tableCount;
    }

    /** {@code orders_3} for index 3. */
    public static String tableName(int index) {
        return TABLE_PREFIX + index;
    }

    /** How many tables the store writes to: after {@link #growTo(int)} has started, the new count. */
    public int tableCount() {
        return tableCount;
    }

    /** Creates the tables of the current count that do not exist yet; existing tables are kept. */
    public void createTables() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < tableCount; i++) {
                s.execute("CREATE TABLE IF NOT EXISTS " + tableName(i) + " ("
                        + " customer_id bigint NOT NULL,"
                        + " order_id bigint PRIMARY KEY,"
                        + " amount_cents bigint NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS " + tableName(i) + "_customer ON " + tableName(i) + " (customer_id)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the order tables: " + e.getMessage(), e);
        }
    }

    /**
     * The index of the table that holds {@code customerId}'s orders, in {@code 0 .. tableCount()-1},
     * for any id, negative ones included.
     *
     * <p>Over many customers each table gets its share within ±15%, whatever the shape of the ids:
     * sequential, time-based (whose low bits hardly vary), stepping by a power of two, or random.
     */
    public int tableFor(long customerId) {
        throw new UnsupportedOperationException(
                "TODO(hash-partitioning): hash the customer id (mixing all its bits) to a table index in 0..n-1");
    }

    /**
     * Stores {@code order} in its customer's table.
     *
     * @throws IllegalStateException when the database refuses (a duplicate order id, for one)
     */
    public void insert(Order order) {
        throw new UnsupportedOperationException("TODO(hash-partitioning): insert the order into tableName(tableFor(customer))");
    }

    /**
     * Every order of {@code customerId}, by ascending order id; empty when there is none.
     *
     * <p>Outside a growth the server runs one query on one table: the customer's. During
     * {@link #growTo} it still returns every order exactly once.
     */
    public List<Order> ordersOf(long customerId) {
        throw new UnsupportedOperationException(
                "TODO(hash-partitioning): read the customer's orders from its one table, sorted by order id");
    }

    /**
     * Spreads the orders over {@code newTableCount} tables, creating the missing ones (tables that
     * already exist, say from an interrupted growth, are kept and used). When it returns, every
     * order sits where a store created with {@code newTableCount} looks for it.
     *
     * <p>Only rows whose table changes are written; the others are not touched at all. Each row
     * that moves leaves its old table and enters its new one in the same transaction. Reads and
     * inserts from other threads keep working throughout and never see a customer's order missing
     * or twice; when it returns, every order inserted before or during the growth sits where the
     * new count says, including one whose insert had already chosen an old table when the growth
     * began (wait for such inserts before moving rows, or have them put their rows right).
     *
     * @param newTableCount a multiple of the current count, larger than it (4 to 8, say)
     * @throws IllegalArgumentException when {@code newTableCount} is not such a multiple
     * @throws IllegalStateException    when the database refuses
     */
    public void growTo(int newTableCount) {
        throw new UnsupportedOperationException(
                "TODO(hash-partitioning): create the new tables, move only the rows whose table changes, keep reads working");
    }
}
