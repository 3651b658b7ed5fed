package dev.dbkata.partitioning;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import javax.sql.DataSource;

/**
 * Orders spread over {@code orders_0 .. orders_(n-1)} by a hash of the customer id, chosen by the
 * application rather than by PostgreSQL.
 *
 * <p>Reference solution. A customer's table is a well-mixed 64-bit hash of the id, reduced modulo
 * the table count as an unsigned number. Growing to a multiple of the count leaves every row
 * whose table stays the same untouched; the others move customer by customer, each move one
 * transaction, while reads look at both the old and the new table in one statement. An insert or
 * a read holds the layout it chose until it is done with it, and a growth changes the layout only
 * when no one holds the old one, so no operation that started before the growth can write into a
 * table the mover has already emptied, or read a table the mover is emptying.
 */
public final class HashPartitionedStore {

    public static final String TABLE_PREFIX = "orders_";

    /** Which tables a customer's rows may be in right now: two while a growth is moving them. */
    private record Layout(int settledCount, int targetCount) {
        boolean isMoving() {
            return settledCount != targetCount;
        }
    }

    private final DataSource dataSource;
    private volatile Layout layout;
    /**
     * Shared by every insert and read from the moment it reads {@link #layout} until its statement
     * has finished; exclusive while {@link #growTo} replaces the layout. Without it, a writer that
     * chose an old table just before the growth started could insert there after the mover had
     * scanned that table, and its row would sit where no read looks.
     */
    private final ReentrantReadWriteLock layoutInUse = new ReentrantReadWriteLock();

    public HashPartitionedStore(DataSource dataSource, int tableCount) {
        if (tableCount < 1) {
            throw new IllegalArgumentException("At least one table is needed, not " + tableCount);
        }
        this.dataSource = dataSource;
        this.layout = new Layout(tableCount, tableCount);
    }

    /** {@code orders_3} for index 3. */
    public static String tableName(int index) {
        return TABLE_PREFIX + index;
    }

    /** How many tables the store writes to: after {@link #growTo(int)} has started, the new count. */
    public int tableCount() {
        return layout.targetCount();
    }

    /** Creates the tables of the current count that do not exist yet; existing tables are kept. */
    public void createTables() {
        createTables(0, tableCount());
    }

    private void createTables(int fromIndex, int toIndex) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (int i = fromIndex; i < toIndex; i++) {
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

    public int tableFor(long customerId) {
        return indexFor(customerId, layout.targetCount());
    }

    private static int indexFor(long customerId, int tableCount) {
        return (int) Long.remainderUnsigned(mix(customerId), tableCount);
    }

    /**
     * Spreads every input bit over every output bit (the finaliser of the SplitMix64 generator),
     * so ids that share their low bits, as time-based ids do, still land on different tables.
     */
    private static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public void insert(Order order) {
        holdingTheLayout(now -> {
            insertInto(tableName(indexFor(order.customerId(), now.targetCount())), order);
            return null;
        });
    }

    public List<Order> ordersOf(long customerId) {
        return holdingTheLayout(now -> readOrders(now, customerId));
    }

    /**
     * Runs {@code operation} with the current layout, which no growth may replace until it is done:
     * the operation's statements use the tables that layout names.
     */
    private <T> T holdingTheLayout(Function<Layout, T> operation) {
        Lock held = layoutInUse.readLock();
        held.lock();
        try {
            return operation.apply(layout);
        } finally {
            held.unlock();
        }
    }

    private void insertInto(String table, Order order) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO " + table
                     + " (customer_id, order_id, amount_cents) VALUES (?, ?, ?)")) {
            s.setLong(1, order.customerId());
            s.setLong(2, order.orderId());
            s.setLong(3, order.amountCents());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not insert order " + order.orderId() + ": " + e.getMessage(), e);
        }
    }

    private List<Order> readOrders(Layout now, long customerId) {
        int target = indexFor(customerId, now.targetCount());
        int settled = indexFor(customerId, now.settledCount());
        boolean mayBeInTwoTables = now.isMoving() && settled != target;
        String columns = "SELECT customer_id, order_id, amount_cents FROM ";
        String sql = !mayBeInTwoTables
                ? columns + tableName(target) + " WHERE customer_id = ? ORDER BY order_id"
                // One statement, one snapshot: a move commits all of a customer's rows at once, so
                // each row is seen exactly once, on one side or the other.
                : columns + tableName(settled) + " WHERE customer_id = ? UNION ALL "
                        + columns + tableName(target) + " WHERE customer_id = ? ORDER BY order_id";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, customerId);
            if (mayBeInTwoTables) {
                s.setLong(2, customerId);
            }
            List<Order> orders = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    orders.add(new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return orders;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the orders of customer " + customerId + ": " + e.getMessage(), e);
        }
    }

    public synchronized void growTo(int newTableCount) {
        int oldCount = layout.settledCount();
        if (newTableCount <= oldCount || newTableCount % oldCount != 0) {
            throw new IllegalArgumentException("Can grow from " + oldCount + " tables only to a larger multiple of it, not "
                    + newTableCount);
        }
        // The new tables must be visible to every reader before any read may look for rows there.
        createTables(oldCount, newTableCount);
        replaceLayout(new Layout(oldCount, newTableCount));
        for (int source = 0; source < oldCount; source++) {
            moveStrangers(source, newTableCount);
        }
        replaceLayout(new Layout(newTableCount, newTableCount));
    }

    /** Waits until no insert or read still uses the current layout, then switches to {@code next}. */
    private void replaceLayout(Layout next) {
        Lock noOneUsesIt = layoutInUse.writeLock();
        noOneUsesIt.lock();
        try {
            layout = next;
        } finally {
            noOneUsesIt.unlock();
        }
    }

    /** Moves the customers of one old table whose new home is another table; the rest stay put. */
    private void moveStrangers(int source, int newTableCount) {
        Map<Integer, List<Long>> customersByTarget = new TreeMap<>();
        for (long customer : customersIn(source)) {
            int target = indexFor(customer, newTableCount);
            if (target != source) {
                customersByTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(customer);
            }
        }
        for (Map.Entry<Integer, List<Long>> move : customersByTarget.entrySet()) {
            move(source, move.getKey(), move.getValue());
        }
    }

    private List<Long> customersIn(int table) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT customer_id FROM " + tableName(table))) {
            List<Long> customers = new ArrayList<>();
            while (rs.next()) {
                customers.add(rs.getLong(1));
            }
            return customers;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list the customers of " + tableName(table) + ": " + e.getMessage(), e);
        }
    }

    private void move(int source, int target, List<Long> customers) {
        // Delete and insert in one statement, so the move is one transaction: no reader sees a
        // customer's rows twice or not at all.
        String sql = "WITH moved AS (DELETE FROM " + tableName(source) + " WHERE customer_id = ANY (?) RETURNING *)"
                + " INSERT INTO " + tableName(target) + " (customer_id, order_id, amount_cents)"
                + " SELECT customer_id, order_id, amount_cents FROM moved";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            Array ids = c.createArrayOf("bigint", customers.toArray());
            s.setArray(1, ids);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not move customers from " + tableName(source) + " to "
                    + tableName(target) + ": " + e.getMessage(), e);
        }
    }
}
