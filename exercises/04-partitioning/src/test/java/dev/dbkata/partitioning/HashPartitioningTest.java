package dev.dbkata.partitioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Reset;
import dev.dbkata.testkit.StatementStats;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.TestThreads;
import dev.dbkata.testkit.Waits;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Task hash-partitioning: the application spreads orders over {@code orders_0 .. orders_(n-1)}
 * by a hash of the customer id, reads a customer from one table, and grows from N to 2N tables.
 *
 * <p>Rejects:
 * <ul>
 *   <li>{@code String.valueOf(id).hashCode() % n}, or the id itself modulo n: sequential ids over
 *       30 tables, time-based ids or ids stepping by 32 pile up on a few tables;</li>
 *   <li>a modulo that can be negative ({@code hashCode() % n} on a negative hash);</li>
 *   <li>a lookup that reads every table (or a view or union over them) instead of the customer's one,
 *       or that returns the orders in the order the table happens to hold them (no {@code ORDER BY});</li>
 *   <li>a growth that rewrites every row (a full copy), or that moves rows whose table did not change;</li>
 *   <li>a growth that loses or duplicates rows, or leaves them where the new count does not look;</li>
 *   <li>a growth during which reads miss rows: switching the table count before the rows are
 *       there, or moving a customer's rows by a delete and an insert in separate transactions;</li>
 *   <li>a growth that moves a table's rows while an insert that chose that table before the growth
 *       started is still running (the late row stays behind where no read looks), also when the
 *       growth locks each old table while it empties it: the insert had not reached the database yet;</li>
 *   <li>the same for a read: one that chose an old table just before the growth started must not
 *       find it emptied under it;</li>
 *   <li>inserts that keep using the old table count until the growth ends (rows written into a
 *       table the growth has already emptied stay there).</li>
 * </ul>
 */
@Task(id = "hash-partitioning", title = "Application-level hash partitioning", points = 4)
@WithPostgres(reset = Reset.BEFORE_EACH_TEST)
@ExtendWith(TestThreads.Extension.class)
class HashPartitioningTest {

    private static final Pattern ORDER_TABLE = Pattern.compile("\\borders_(\\d+)\\b");

    @Test
    @DisplayName("customers spread within ±15% of even over 8, 16 and 30 tables, whatever the shape of their ids")
    void customersSpreadEvenly(PostgresNode node) {
        List<String> complaints = new ArrayList<>();
        for (int tables : new int[] {8, 16, 30}) {
            HashPartitionedStore store = new HashPartitionedStore(node.dataSource(), tables);
            for (CustomerIds family : CustomerIds.values()) {
                int[] perTable = new int[tables];
                for (long id : family.take(60_000)) {
                    int index = store.tableFor(id);
                    if (index < 0 || index >= tables) {
                        fail("tableFor(%d) with %d tables returned %d; an index is in 0..%d (is the modulo negative?)",
                                id, tables, index, tables - 1);
                    }
                    perTable[index]++;
                }
                double even = 60_000.0 / tables;
                for (int i = 0; i < tables; i++) {
                    if (Math.abs(perTable[i] - even) > 0.15 * even) {
                        complaints.add(String.format("%s ids over %d tables: orders_%d gets %d customers, %.0f%% off"
                                + " the even %.0f", family, tables, i, perTable[i], 100 * (perTable[i] - even) / even, even));
                        break;
                    }
                }
            }
        }
        assertThat(complaints).as("every table should get its share of customers, within 15%; a hash that lets the"
                + " shape of the ids through skews").isEmpty();
    }

    @Test
    @DisplayName("a customer's orders are stored in, and read from, exactly one table: the one tableFor names")
    void lookupReadsOneTable(PostgresNode node) {
        HashPartitionedStore store = new HashPartitionedStore(node.dataSource(), 8);
        store.createTables();
        long[] customers = CustomerIds.TIME_BASED.take(40);
        Map<Long, List<Order>> expected = insertOrders(store, customers, 2);

        Map<Long, Integer> homes = tableOfEachOrder(node, 8);
        for (Map.Entry<Long, List<Order>> customer : expected.entrySet()) {
            int home = store.tableFor(customer.getKey());
            for (Order order : customer.getValue()) {
                assertThat(homes.get(order.orderId()))
                        .as("order %d of customer %d should be stored in orders_%d, the table tableFor names",
                                order.orderId(), customer.getKey(), home)
                        .isEqualTo(home);
            }
        }
        for (long customer : new long[] {customers[0], customers[17], customers[39]}) {
            StatementStats statements = node.statements();
            statements.reset();
            List<Order> read = store.ordersOf(customer);
            Set<String> tablesRead = orderTablesNamedIn(statements);

            assertThat(read).as("ordersOf(%d): every order of the customer, by ascending order id", customer).containsExactlyElementsOf(expected.get(customer));
            assertThat(tablesRead)
                    .as("ordersOf(%d) should query only orders_%d (tables named by the statements the server ran: %s)",
                            customer, store.tableFor(customer), statements)
                    .containsExactly(HashPartitionedStore.tableName(store.tableFor(customer)));
        }
    }

    @Test
    @DisplayName("growing from 4 to 8 tables moves only the rows whose table changes, and loses none")
    void growthMovesOnlyWhatMustMove(PostgresNode node) {
        HashPartitionedStore store = new HashPartitionedStore(node.dataSource(), 4);
        store.createTables();
        Map<Long, List<Order>> expected = insertOrders(store, CustomerIds.SEQUENTIAL.take(150), 2);
        Map<Long, RowVersion> before = rowVersions(node, 4);

        store.growTo(8);

        Map<Long, RowVersion> after = rowVersions(node, 8);
        assertThat(after.keySet()).as("order ids in orders_0..orders_7 after growTo(8): none lost, none doubled")
                .containsExactlyInAnyOrderElementsOf(before.keySet());
        assertThat(Catalog.count(node, unionOfTables(8))).as("rows in all order tables after growTo(8)")
                .isEqualTo(before.size());
        HashPartitionedStore freshlyStarted = new HashPartitionedStore(node.dataSource(), 8);
        int moved = 0;
        for (Map.Entry<Long, RowVersion> row : after.entrySet()) {
            RowVersion old = before.get(row.getKey());
            RowVersion now = row.getValue();
            int home = freshlyStarted.tableFor(now.customerId());
            assertThat(store.tableFor(now.customerId())).as("the grown store and a store started with 8 tables"
                    + " should agree on customer %d's table", now.customerId()).isEqualTo(home);
            assertThat(now.table()).as("order %d of customer %d after growTo(8)", row.getKey(), now.customerId())
                    .isEqualTo(home);
            if (old.table() == now.table()) {
                assertThat(now).as("order %d stays in orders_%d, so it must not be rewritten (its xmin/ctid changed)",
                        row.getKey(), now.table()).isEqualTo(old);
            } else {
                moved++;
            }
        }
        assertThat(moved).as("rows that changed table when growing from 4 to 8 tables, of %d: about half must move"
                + " to fill the new tables; more means the growth reshuffled rows that could have stayed", after.size())
                .isBetween(1, (int) (0.6 * after.size()));
        for (Map.Entry<Long, List<Order>> customer : expected.entrySet()) {
            assertThat(freshlyStarted.ordersOf(customer.getKey())).as("orders of customer %d after growTo(8)", customer.getKey())
                    .containsExactlyElementsOf(customer.getValue());
        }
        assertThatThrownBy(() -> store.growTo(12))
                .as("growTo(12) with 8 tables: hash mod 12 would send rows of one table to many, so only a multiple"
                        + " of the current count is accepted")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("while growTo is halfway through moving a customer, reads still return every order exactly once")
    void readsKeepWorkingDuringGrowth(PostgresNode node, TestThreads threads) throws Exception {
        HashPartitionedStore store = new HashPartitionedStore(node.dataSource(), 4);
        store.createTables();
        Map<Long, List<Order>> expected = insertOrders(store, CustomerIds.STEP_OF_32.take(40), 3);
        // The new tables exist already, as after an interrupted growth, so the test can gate them.
        new HashPartitionedStore(node.dataSource(), 8).createTables();

        try (AdvisoryGate intoNewTables = AdvisoryGate.closed(node, 51);
             AdvisoryGate outOfOldTables = AdvisoryGate.closed(node, 52)) {
            for (int i = 0; i < 4; i++) {
                intoNewTables.before("INSERT", HashPartitionedStore.tableName(4 + i));
                outOfOldTables.before("DELETE", HashPartitionedStore.tableName(i));
            }
            CompletableFuture<Void> growth = threads.run(() -> store.growTo(8));
            List<String> stops = AdvisoryGate.walk(threads, growth, "growTo(8)", Map.of(
                    "inserting into a new table", intoNewTables, "deleting from an old table", outOfOldTables),
                    stop -> assertEveryCustomerReadsCompletely(store, expected, "while growTo(8) was stopped " + stop));
            growth.get(20, TimeUnit.SECONDS);
            assertThat(stops).as("growTo(8) should move rows by inserting them into orders_4..7 and deleting them"
                    + " from orders_0..3 (tables that already exist must be kept and filled)").isNotEmpty();
        }
        assertEveryCustomerReadsCompletely(store, expected, "after growTo(8)");
    }

    @Test
    @DisplayName("an insert that chose its old table just before growTo started is not left behind there")
    void growthDoesNotStrandAnInsertUnderWay(PostgresNode node, TestThreads threads) throws Exception {
        ConnectionStall stall = new ConnectionStall();
        FourTablesToGrow four = FourTablesToGrow.filled(node, stall.around(node.dataSource()));
        HashPartitionedStore store = four.store();
        long customer = firstWhoseTableChanges(four.orders().keySet(), store, four.grown(), 0);
        Order late = new Order(customer, 9000, 4200);

        // The writer is frozen when it asks for a connection: after choosing orders_0 with 4 tables,
        // if it chooses before it borrows. The growth must not move this customer's rows until the
        // insert is done, or the insert must put its row right itself afterwards.
        whileGrowingToEight(node, threads, stall, store, () -> {
            store.insert(late);
            return null;
        });

        List<Order> all = new ArrayList<>(four.orders().get(customer));
        all.add(late);
        assertThat(tableOfEachOrder(node, 8).get(late.orderId()))
                .as("order 9000 of customer %d was being inserted, with 4 tables, into orders_0 when growTo(8) started;"
                        + " it should end in orders_%d with the customer's other orders. growTo must not move a table's"
                        + " rows while an insert that chose that table is still running", customer,
                        four.grown().tableFor(customer))
                .isEqualTo(four.grown().tableFor(customer));
        assertThat(store.ordersOf(customer)).as("ordersOf(%d) after growTo(8)", customer).containsExactlyElementsOf(all);
    }

    @Test
    @DisplayName("a read that chose its old table just before growTo started still returns every order")
    void growthDoesNotPullRowsFromUnderAReadUnderWay(PostgresNode node, TestThreads threads) throws Exception {
        ConnectionStall stall = new ConnectionStall();
        FourTablesToGrow four = FourTablesToGrow.filled(node, stall.around(node.dataSource()));
        long customer = firstWhoseTableChanges(four.orders().keySet(), four.store(), four.grown(), 0);

        List<Order> read = whileGrowingToEight(node, threads, stall, four.store(), () -> four.store().ordersOf(customer));

        assertThat(read).as("ordersOf(%d), frozen as it asked for a connection (after choosing orders_0 with 4 tables)"
                + " while growTo(8) started: the growth must not move the rows of a table that a read has chosen"
                + " and not yet read", customer).containsExactlyElementsOf(four.orders().get(customer));
    }

    @Test
    @DisplayName("orders inserted while growTo is moving rows are found afterwards, in the table of the new count")
    void insertsDuringGrowthAreNotLeftBehind(PostgresNode node, TestThreads threads) throws Exception {
        FourTablesToGrow four = FourTablesToGrow.filled(node);
        HashPartitionedStore store = four.store();

        // One new order for a moving customer of each old table, inserted while the growth is stopped
        // in the middle: it has scanned some of those tables already and is emptying one right now.
        HashPartitionedStore fourTables = new HashPartitionedStore(node.dataSource(), 4);
        List<Order> lateOrders = new ArrayList<>();
        for (int table = 0; table < 4; table++) {
            long customer = firstWhoseTableChanges(four.orders().keySet(), fourTables, four.grown(), table);
            lateOrders.add(new Order(customer, 9000 + table, 4200));
        }
        try (AdvisoryGate outOfOldTables = AdvisoryGate.closed(node, 54)) {
            for (int i = 0; i < 4; i++) {
                outOfOldTables.before("DELETE", HashPartitionedStore.tableName(i));
            }
            CompletableFuture<Void> growth = threads.run(() -> store.growTo(8));
            List<String> stops = AdvisoryGate.walk(threads, growth, "growTo(8)", Map.of("deleting from an old table", outOfOldTables),
                    stop -> lateOrders.forEach(store::insert));
            growth.get(20, TimeUnit.SECONDS);
            assertThat(stops).as("growTo(8) should move rows by deleting them from orders_0..3").isNotEmpty();
        }

        lateOrders.forEach(order -> four.orders().get(order.customerId()).add(order));
        Map<Long, Integer> homes = tableOfEachOrder(node, 8);
        for (Map.Entry<Long, List<Order>> customer : four.orders().entrySet()) {
            int home = four.grown().tableFor(customer.getKey());
            for (Order order : customer.getValue()) {
                assertThat(homes.get(order.orderId()))
                        .as("order %d of customer %d should be in orders_%d, the customer's table with 8 tables (orders"
                                + " 9000.. were inserted while growTo(8) was moving rows). A write that starts once the"
                                + " growth has begun goes where the new count says, or the growth must still move it",
                                order.orderId(), customer.getKey(), home)
                        .isEqualTo(home);
            }
            assertThat(store.ordersOf(customer.getKey())).as("ordersOf(%d) after growTo(8)", customer.getKey())
                    .containsExactlyElementsOf(customer.getValue());
        }
    }

    /**
     * Runs {@code operation} on a thread that {@code stall} freezes at its next borrow of a
     * connection, starts {@code store.growTo(8)}, waits until the growth is done or waits for the
     * operation (in Java, or for a lock in the database), then lets the operation go on.
     *
     * @return what the operation returned
     */
    private static <T> T whileGrowingToEight(PostgresNode node, TestThreads threads, ConnectionStall stall,
            HashPartitionedStore store, Supplier<T> operation) throws Exception {
        CompletableFuture<T> underWay = threads.supply(() -> {
            stall.stallMyNextBorrow();
            return operation.get();
        });
        Waits.until("the operation to ask for a connection", Duration.ofSeconds(10),
                () -> underWay.isDone() || stall.hasSomeoneWaiting());
        AtomicReference<Thread> grower = new AtomicReference<>();
        CompletableFuture<Void> growth = threads.run(() -> {
            grower.set(Thread.currentThread());
            store.growTo(8);
        });
        Waits.until("growTo(8) to finish, or to wait for the operation that is under way", Duration.ofSeconds(10),
                () -> growth.isDone() || isWaitingInJava(grower.get()) || someoneWaitsForALock(node));
        stall.release();
        T result = underWay.get(20, TimeUnit.SECONDS);
        growth.get(20, TimeUnit.SECONDS);
        return result;
    }

    /**
     * A store of 4 tables holding 2 orders each of 80 customers (by customer, by order id), and a
     * store started with 8 tables that says where each customer belongs after a growth.
     */
    private record FourTablesToGrow(HashPartitionedStore store, Map<Long, List<Order>> orders, HashPartitionedStore grown) {
        static FourTablesToGrow filled(PostgresNode node) {
            return filled(node, node.dataSource());
        }

        static FourTablesToGrow filled(PostgresNode node, DataSource forTheStore) {
            HashPartitionedStore store = new HashPartitionedStore(forTheStore, 4);
            store.createTables();
            Map<Long, List<Order>> orders = insertOrders(store, CustomerIds.STEP_OF_32.take(80), 2);
            return new FourTablesToGrow(store, orders, new HashPartitionedStore(node.dataSource(), 8));
        }
    }

    /** The first of {@code customers}, by id, that sits in {@code table} with {@code before} and elsewhere with {@code after}. */
    private static long firstWhoseTableChanges(Set<Long> customers, HashPartitionedStore before, HashPartitionedStore after,
            int table) {
        return customers.stream().sorted()
                .filter(c -> before.tableFor(c) == table && after.tableFor(c) != table)
                .findFirst().orElseThrow(() -> new AssertionError(String.format("none of the customers in orders_%d (of %d)"
                        + " moves to another table when the store grows to %d; with a hash that spreads ids well about"
                        + " half of them do (see customersSpreadEvenly)", table, before.tableCount(), after.tableCount())));
    }

    /**
     * Whether {@code thread} waits in Java (on a lock, a monitor, a latch), other than for a pooled
     * connection or inside the JDBC driver. State and stack come from one snapshot of the thread.
     */
    private static boolean isWaitingInJava(Thread thread) {
        if (thread == null) {
            return false;
        }
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId(), Integer.MAX_VALUE);
        if (info == null || !EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.BLOCKED)
                .contains(info.getThreadState())) {
            return false;
        }
        return Arrays.stream(info.getStackTrace()).map(StackTraceElement::getClassName)
                .noneMatch(name -> name.startsWith("com.zaxxer.hikari.") || name.startsWith("org.postgresql."));
    }

    /** Whether a session waits for a lock in the database. */
    private static boolean someoneWaitsForALock(PostgresNode node) {
        return node.queryValue("SELECT count(*) > 0 FROM pg_locks WHERE NOT granted", Boolean.class);
    }

    private static void assertEveryCustomerReadsCompletely(HashPartitionedStore store, Map<Long, List<Order>> expected,
            String when) {
        for (Map.Entry<Long, List<Order>> customer : expected.entrySet()) {
            assertThat(store.ordersOf(customer.getKey()))
                    .as("ordersOf(%d) %s: every order exactly once", customer.getKey(), when)
                    .containsExactlyElementsOf(customer.getValue());
        }
    }

    /**
     * Inserts {@code perCustomer} orders for each customer, newest order id first, so that a read
     * without {@code ORDER BY} returns them in the wrong order; returns them by customer, by order id.
     */
    private static Map<Long, List<Order>> insertOrders(HashPartitionedStore store, long[] customers, int perCustomer) {
        Map<Long, List<Order>> byCustomer = new HashMap<>();
        long orderId = 1000;
        for (long customer : customers) {
            List<Order> orders = new ArrayList<>();
            for (int i = 0; i < perCustomer; i++) {
                orders.add(new Order(customer, orderId, 100 * orderId));
                orderId++;
            }
            for (int i = perCustomer - 1; i >= 0; i--) {
                store.insert(orders.get(i));
            }
            byCustomer.put(customer, orders);
        }
        return byCustomer;
    }

    /** A row's physical identity: the transaction that wrote it and where it sits. */
    private record RowVersion(int table, long customerId, String xmin, String ctid) {
    }

    private static Map<Long, RowVersion> rowVersions(PostgresNode node, int tables) {
        Map<Long, RowVersion> rows = new HashMap<>();
        try (Connection c = node.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT order_id, customer_id, xmin::text, ctid::text, source FROM ("
                     + unionOfTables(tables, ", tableoid::regclass::text AS source, xmin, ctid") + ") AS everything")) {
            while (rs.next()) {
                Matcher table = ORDER_TABLE.matcher(rs.getString(5));
                table.find();
                RowVersion previous = rows.put(rs.getLong(1), new RowVersion(Integer.parseInt(table.group(1)),
                        rs.getLong(2), rs.getString(3), rs.getString(4)));
                if (previous != null) {
                    fail("order %d is stored twice: in orders_%d and in %s", rs.getLong(1), previous.table(), rs.getString(5));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the order tables: " + e.getMessage(), e);
        }
        return rows;
    }

    private static Map<Long, Integer> tableOfEachOrder(PostgresNode node, int tables) {
        Map<Long, Integer> homes = new HashMap<>();
        rowVersions(node, tables).forEach((order, row) -> homes.put(order, row.table()));
        return homes;
    }

    private static String unionOfTables(int tables) {
        return "(" + unionOfTables(tables, "") + ") AS everything";
    }

    private static String unionOfTables(int tables, String extraColumns) {
        List<String> selects = new ArrayList<>();
        for (int i = 0; i < tables; i++) {
            selects.add("SELECT order_id, customer_id" + extraColumns + " FROM " + HashPartitionedStore.tableName(i));
        }
        return String.join(" UNION ALL ", selects);
    }

    /** The order tables named by the statements the server ran since the last reset. */
    private static Set<String> orderTablesNamedIn(StatementStats statements) {
        Set<String> tables = new TreeSet<>();
        for (StatementStats.Entry entry : statements.entries()) {
            Matcher m = ORDER_TABLE.matcher(entry.query());
            while (m.find()) {
                tables.add(m.group());
            }
        }
        return tables;
    }
}
