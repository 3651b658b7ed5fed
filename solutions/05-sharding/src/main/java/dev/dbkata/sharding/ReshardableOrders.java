package dev.dbkata.sharding;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import javax.sql.DataSource;

/**
 * Orders placed on shards by a {@link HashRing} over the customer id, that can move to a new ring
 * while the application keeps reading and writing.
 *
 * <p>Resharding: capture changes on the old shards (a trigger writes the customer id of every
 * changed row into {@code reshard_changes}), copy the moving customers from a snapshot, catch up
 * by re-copying each changed customer from its current rows, then cut over with this store's
 * operations held back for a moment: fence every shard (a trigger refuses any write that does not
 * present the new layout's token, which this store sends with each operation from then on), drain
 * the last changes, switch the ring. Finally delete the moved rows from the old shards.
 */
public final class ReshardableOrders {

    private static final int CATCH_UP_ROUNDS = 20;

    private final Map<String, DataSource> shards;
    private volatile HashRing ring;
    /**
     * The fencing token of the current layout (null before the first move): every write this store
     * makes presents it, and after a move every shard refuses writes that do not.
     */
    private volatile String layoutToken;
    /** Read side: every operation while it uses the ring; write side: the cut-over. */
    private final ReentrantReadWriteLock layout = new ReentrantReadWriteLock(true);
    private final Object oneReshardAtATime = new Object();

    public ReshardableOrders(Map<String, DataSource> shards, HashRing ring) {
        this.shards = Map.copyOf(shards);
        this.ring = Objects.requireNonNull(ring, "ring");
        requireKnownShards(ring);
    }

    public HashRing ring() {
        return ring;
    }

    public void createTables() {
        shards.values().forEach(OrdersTable::create);
    }

    public void insert(Order order) {
        Objects.requireNonNull(order, "order");
        withLayout(order.customerId(), c -> update(c, "INSERT INTO orders (customer_id, order_id, amount_cents)"
                + " VALUES (?, ?, ?)", order.customerId(), order.orderId(), order.amountCents()));
    }

    public boolean updateAmount(long customerId, long orderId, long amountCents) {
        return withLayout(customerId, c -> update(c, "UPDATE orders SET amount_cents = ?"
                + " WHERE customer_id = ? AND order_id = ?", amountCents, customerId, orderId)) == 1;
    }

    public boolean delete(long customerId, long orderId) {
        return withLayout(customerId, c -> update(c, "DELETE FROM orders WHERE customer_id = ? AND order_id = ?",
                customerId, orderId)) == 1;
    }

    public List<Order> ordersOf(long customerId) {
        return withLayout(customerId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT customer_id, order_id, amount_cents FROM orders"
                    + " WHERE customer_id = ? ORDER BY order_id")) {
                s.setLong(1, customerId);
                return readOrders(s);
            }
        });
    }

    public void reshardTo(HashRing newRing) {
        Objects.requireNonNull(newRing, "newRing");
        requireKnownShards(newRing);
        synchronized (oneReshardAtATime) {
            HashRing oldRing = ring;
            Set<String> sources = oldRing.shards();
            for (String shard : newRing.shards()) {
                OrdersTable.create(shards.get(shard));
                run(shard, "CREATE TABLE IF NOT EXISTS moved_customers (customer_id bigint PRIMARY KEY)");
            }
            for (String source : sources) {
                startCapture(source);
            }
            for (String source : sources) {
                copySnapshot(source, newRing);
            }
            for (int round = 0; round < CATCH_UP_ROUNDS && catchUp(sources, newRing) > 0; round++) {
                // Each round copies what changed during the previous one: fewer and fewer customers.
            }
            String newToken = java.util.UUID.randomUUID().toString();
            layout.writeLock().lock();
            try {
                for (String source : sources) {
                    listLeaving(source, newRing);
                }
                for (String shard : newRing.shards()) {
                    fence(shard, newToken);
                }
                layoutToken = newToken;
                catchUp(sources, newRing);
                ring = newRing;
            } finally {
                layout.writeLock().unlock();
            }
            for (String source : sources) {
                // Separate statements, each its own transaction: the DROP's exclusive lock must not be held
                // while the (possibly long) DELETE runs, or every writer of this shard would wait for it.
                run(source, "DROP TRIGGER IF EXISTS reshard_capture ON orders");
                run(source, "DROP TABLE IF EXISTS reshard_changes");
                run(source, "DELETE FROM orders WHERE customer_id IN (SELECT customer_id FROM moved_customers)");
            }
        }
    }

    private void startCapture(String source) {
        run(source, "CREATE TABLE IF NOT EXISTS reshard_changes (customer_id bigint NOT NULL);"
                + " CREATE OR REPLACE FUNCTION reshard_capture() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + "   INSERT INTO reshard_changes VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.customer_id ELSE NEW.customer_id END);"
                + "   RETURN NULL; END $$;"
                + " CREATE OR REPLACE TRIGGER reshard_capture AFTER INSERT OR UPDATE OR DELETE ON orders"
                + "   FOR EACH ROW EXECUTE FUNCTION reshard_capture()");
    }

    /** Copies every row that leaves {@code source} as of one snapshot, taken after capture began. */
    private void copySnapshot(String source, HashRing newRing) {
        Map<String, List<Order>> leaving = new HashMap<>();
        try (Connection c = shards.get(source).getConnection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT customer_id, order_id, amount_cents FROM orders")) {
                for (Order order : readOrders(s)) {
                    String target = newRing.shardFor(order.customerId());
                    if (!target.equals(source)) {
                        leaving.computeIfAbsent(target, t -> new ArrayList<>()).add(order);
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not copy from " + source + ": " + e.getMessage(), e);
        }
        leaving.forEach((target, orders) -> replaceCustomers(target, customersOf(orders), orders));
    }

    /**
     * Takes the captured changes of each old shard and copies the moving customers among them again,
     * from their rows as they are now. The source transaction that took the changes commits only
     * after the target has them, so a failure loses nothing.
     *
     * @return how many changes it took
     */
    private int catchUp(Set<String> sources, HashRing newRing) {
        int taken = 0;
        for (String source : sources) {
            try (Connection c = shards.get(source).getConnection()) {
                c.setAutoCommit(false);
                Set<Long> changed = new TreeSet<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("DELETE FROM reshard_changes RETURNING customer_id")) {
                    while (rs.next()) {
                        changed.add(rs.getLong(1));
                        taken++;
                    }
                }
                Map<String, Set<Long>> moving = new HashMap<>();
                for (long customer : changed) {
                    String target = newRing.shardFor(customer);
                    if (!target.equals(source)) {
                        moving.computeIfAbsent(target, t -> new TreeSet<>()).add(customer);
                    }
                }
                for (Map.Entry<String, Set<Long>> target : moving.entrySet()) {
                    List<Order> now;
                    try (PreparedStatement s = c.prepareStatement("SELECT customer_id, order_id, amount_cents FROM orders"
                            + " WHERE customer_id = ANY (?)")) {
                        s.setArray(1, c.createArrayOf("bigint", target.getValue().toArray()));
                        now = readOrders(s);
                    }
                    replaceCustomers(target.getKey(), target.getValue(), now);
                }
                c.commit();
            } catch (SQLException e) {
                throw new IllegalStateException("Could not catch up from " + source + ": " + e.getMessage(), e);
            }
        }
        return taken;
    }

    /** On {@code target}, in one transaction: the customers' rows become exactly {@code orders}. */
    private void replaceCustomers(String target, Set<Long> customers, List<Order> orders) {
        try (Connection c = shards.get(target).getConnection()) {
            c.setAutoCommit(false);
            presentToken(c, layoutToken);
            Array ids = c.createArrayOf("bigint", customers.toArray());
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM orders WHERE customer_id = ANY (?)");
                 PreparedStatement unfence = c.prepareStatement("DELETE FROM moved_customers WHERE customer_id = ANY (?)");
                 PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO orders (customer_id, order_id, amount_cents) VALUES (?, ?, ?)")) {
                delete.setArray(1, ids);
                delete.executeUpdate();
                unfence.setArray(1, ids);
                unfence.executeUpdate();
                for (Order order : orders) {
                    insert.setLong(1, order.customerId());
                    insert.setLong(2, order.orderId());
                    insert.setLong(3, order.amountCents());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write moved customers to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Records in {@code source}'s moved_customers every customer that leaves it (deleted there after the switch). */
    private void listLeaving(String source, HashRing newRing) {
        List<Long> leaving = new ArrayList<>();
        try (Connection c = shards.get(source).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT customer_id FROM orders")) {
            while (rs.next()) {
                if (!newRing.shardFor(rs.getLong(1)).equals(source)) {
                    leaving.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list the customers leaving " + source + ": " + e.getMessage(), e);
        }
        try (Connection c = shards.get(source).getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO moved_customers SELECT unnest(?::bigint[])"
                    + " ON CONFLICT DO NOTHING")) {
                s.setArray(1, c.createArrayOf("bigint", leaving.toArray()));
                s.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record the customers leaving " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * From now on {@code shard} refuses every insert and update that does not present {@code token}:
     * a writer that still routes by an older ring (and so knows no token, or an older one) is stopped,
     * whether its customer had rows at the cut-over or is brand new.
     */
    private void fence(String shard, String token) {
        run(shard, "CREATE OR REPLACE FUNCTION reshard_fence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + "   IF current_setting('reshard.layout', true) IS DISTINCT FROM '" + token + "' THEN"
                + "     RAISE EXCEPTION 'the shard layout has changed: reload the ring before writing customer %',"
                + "       NEW.customer_id USING ERRCODE = 'object_not_in_prerequisite_state';"
                + "   END IF; RETURN NEW; END $$;"
                + " CREATE OR REPLACE TRIGGER reshard_fence BEFORE INSERT OR UPDATE ON orders"
                + "   FOR EACH ROW EXECUTE FUNCTION reshard_fence()");
    }

    /**
     * Shows the shard, for the current transaction only, which layout it writes by (nothing to show
     * before the first move). Never for the session: a pooled connection would carry the token to
     * whoever uses it next, stale writer or not.
     */
    private static void presentToken(Connection c, String token) throws SQLException {
        if (token != null) {
            try (PreparedStatement s = c.prepareStatement("SELECT set_config('reshard.layout', ?, true)")) {
                s.setString(1, token);
                s.execute();
            }
        }
    }

    private interface ShardWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withLayout(long customerId, ShardWork<T> work) {
        layout.readLock().lock();
        try (Connection c = shards.get(ring.shardFor(customerId)).getConnection()) {
            String token = layoutToken;
            if (token == null) {
                return work.run(c);
            }
            c.setAutoCommit(false);
            try {
                presentToken(c, token);
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Shard refused an operation on customer " + customerId + ": "
                    + e.getMessage(), e);
        } finally {
            layout.readLock().unlock();
        }
    }

    private static int update(Connection c, String sql, long... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setLong(i + 1, params[i]);
            }
            return s.executeUpdate();
        }
    }

    private static List<Order> readOrders(PreparedStatement s) throws SQLException {
        List<Order> orders = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                orders.add(new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return orders;
    }

    private static Set<Long> customersOf(List<Order> orders) {
        Set<Long> customers = new TreeSet<>();
        orders.forEach(o -> customers.add(o.customerId()));
        return customers;
    }

    private void run(String shard, String sql) {
        try (Connection c = shards.get(shard).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + shard + ": " + e.getMessage(), e);
        }
    }

    private void requireKnownShards(HashRing r) {
        for (String shard : r.shards()) {
            if (!shards.containsKey(shard)) {
                throw new IllegalArgumentException("The ring names " + shard + ", but the store knows only "
                        + new LinkedHashMap<>(shards).keySet());
            }
        }
    }
}
