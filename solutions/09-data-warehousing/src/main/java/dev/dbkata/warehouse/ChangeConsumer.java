package dev.dbkata.warehouse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Task change-data-capture (reference). Buffers each PostgreSQL transaction until its COMMIT, then
 * applies it in one DuckDB transaction together with its commit LSN; only after that commits does
 * it confirm the LSN to the slot. A transaction whose commit LSN is not beyond the stored one was
 * applied before a restart and is skipped, so at-least-once delivery becomes exactly-once effect.
 */
public final class ChangeConsumer implements AutoCloseable {

    public static final String TABLE = "public.customers";

    private final String jdbcUrl;
    private final String user;
    private final String slot;
    private final Connection warehouse;
    private final ApplyListener listener;

    private Connection replicationConnection;
    private PGReplicationStream stream;
    private long applied;
    private final List<Change> pending = new ArrayList<>();

    public ChangeConsumer(String jdbcUrl, String user, String slot, Connection warehouse, ApplyListener listener) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.slot = slot;
        this.warehouse = warehouse;
        this.listener = listener == null ? ApplyListener.NONE : listener;
    }

    public void start() {
        try {
            try (Statement s = warehouse.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS customers (customer_id BIGINT, name VARCHAR, country VARCHAR,"
                        + " plan_id INTEGER)");
                s.execute("CREATE TABLE IF NOT EXISTS customer_changes (seq BIGINT, commit_lsn BIGINT, op VARCHAR,"
                        + " customer_id BIGINT)");
                s.execute("CREATE TABLE IF NOT EXISTS cdc_position (slot VARCHAR, commit_lsn BIGINT)");
            }
            applied = storedPosition();
            Properties props = new Properties();
            PGProperty.USER.set(props, user);
            PGProperty.REPLICATION.set(props, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
            PGProperty.PREFER_QUERY_MODE.set(props, "simple");
            PGProperty.CONNECT_TIMEOUT.set(props, 5);
            replicationConnection = DriverManager.getConnection(jdbcUrl, props);
            stream = replicationConnection.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical()
                    .withSlotName(slot)
                    // Ask for nothing PostgreSQL knows we applied; it skips what the slot confirmed anyway.
                    .withStartPosition(applied == 0 ? LogSequenceNumber.INVALID_LSN : LogSequenceNumber.valueOf(applied))
                    .withSlotOption("include-xids", false)
                    .withSlotOption("skip-empty-xacts", true)
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("Could not start consuming slot " + slot + ": " + e.getMessage(), e);
        }
    }

    public void catchUp(LogSequenceNumber target, Duration timeout) {
        if (stream == null) {
            throw new IllegalStateException("start() the consumer first");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (Long.compareUnsigned(applied, target.asLong()) <= 0) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Slot " + slot + " delivered nothing beyond "
                                + LogSequenceNumber.valueOf(applied) + " within " + timeout + "; waited for " + target);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    continue;
                }
                String text = new String(message.array(), message.arrayOffset() + message.position(),
                        message.remaining(), StandardCharsets.UTF_8);
                Change change = TestDecoding.parse(text);
                switch (change.kind()) {
                    case BEGIN -> pending.clear();
                    case COMMIT -> commit(stream.getLastReceiveLSN());
                    default -> {
                        if (change.isRowChangeOf(TABLE)) {
                            pending.add(change);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading slot " + slot + " failed: " + e.getMessage(), e);
        }
    }

    private void commit(LogSequenceNumber commitLsn) throws SQLException {
        List<Change> changes = List.copyOf(pending);
        pending.clear();
        if (Long.compareUnsigned(commitLsn.asLong(), applied) > 0) {
            Staging.inTransaction(warehouse, () -> {
                long seq = nextSeq();
                for (Change change : changes) {
                    apply(change, commitLsn.asLong(), seq++);
                }
                try (PreparedStatement p = warehouse.prepareStatement("DELETE FROM cdc_position WHERE slot = ?")) {
                    p.setString(1, slot);
                    p.executeUpdate();
                }
                try (PreparedStatement p = warehouse.prepareStatement("INSERT INTO cdc_position VALUES (?, ?)")) {
                    p.setString(1, slot);
                    p.setLong(2, commitLsn.asLong());
                    p.executeUpdate();
                }
                listener.beforeCommit(commitLsn);
                return null;
            });
            applied = commitLsn.asLong();
            listener.afterCommit(commitLsn);
        }
        // Applied (now or before a restart): PostgreSQL may forget it.
        stream.setAppliedLSN(commitLsn);
        stream.setFlushedLSN(commitLsn);
        stream.forceUpdateStatus();
    }

    private void apply(Change change, long commitLsn, long seq) throws SQLException {
        String op = change.kind().name();
        long customerId;
        if (change.kind() != Change.Kind.INSERT) {
            String oldId = change.oldKey().getOrDefault("customer_id", change.newRow().get("customer_id"));
            customerId = Long.parseLong(oldId);
            try (PreparedStatement p = warehouse.prepareStatement("DELETE FROM customers WHERE customer_id = ?")) {
                p.setLong(1, customerId);
                p.executeUpdate();
            }
        }
        if (change.kind() != Change.Kind.DELETE) {
            var row = change.newRow();
            customerId = Long.parseLong(row.get("customer_id"));
            try (PreparedStatement p = warehouse.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?)")) {
                p.setLong(1, customerId);
                p.setString(2, row.get("name"));
                p.setString(3, row.get("country"));
                p.setObject(4, row.get("plan_id") == null ? null : Integer.valueOf(row.get("plan_id")));
                p.executeUpdate();
            }
        } else {
            customerId = Long.parseLong(change.oldKey().get("customer_id"));
        }
        try (PreparedStatement p = warehouse.prepareStatement("INSERT INTO customer_changes VALUES (?, ?, ?, ?)")) {
            p.setLong(1, seq);
            p.setLong(2, commitLsn);
            p.setString(3, op);
            p.setLong(4, customerId);
            p.executeUpdate();
        }
    }

    private long nextSeq() throws SQLException {
        try (Statement s = warehouse.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) + 1 FROM customer_changes")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long storedPosition() throws SQLException {
        try (PreparedStatement p = warehouse.prepareStatement("SELECT commit_lsn FROM cdc_position WHERE slot = ?")) {
            p.setString(1, slot);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    @Override
    public void close() {
        try {
            if (stream != null && !stream.isClosed()) {
                stream.close();
            }
        } catch (SQLException ignored) {
            // The connection below goes anyway.
        } finally {
            stream = null;
            try {
                if (replicationConnection != null) {
                    replicationConnection.close();
                }
            } catch (SQLException ignored) {
                // Nothing left to release.
            }
            replicationConnection = null;
        }
    }
}
