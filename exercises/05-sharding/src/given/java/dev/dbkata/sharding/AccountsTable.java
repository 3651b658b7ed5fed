package dev.dbkata.sharding;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The {@code accounts} table of the cross-shard-transfer task, on every shard:
 *
 * <pre>
 * accounts (id bigint PRIMARY KEY, balance_cents bigint NOT NULL CHECK (balance_cents &gt;= 0))
 * </pre>
 *
 * An account lives on exactly one shard, the one the {@link AccountDirectory} names.
 */
public final class AccountsTable {

    private AccountsTable() {
    }

    /** Creates {@code accounts} on the shard unless it exists. */
    public static void create(DataSource shard) {
        try (Connection c = shard.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY,"
                    + " balance_cents bigint NOT NULL CHECK (balance_cents >= 0))");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the accounts table: " + e.getMessage(), e);
        }
    }
}
