package dev.dbkata.caching;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The {@code product} table in PostgreSQL: the source of truth the cache sits in front of.
 *
 * <p>Every call is one statement in a transaction of its own, committed before the call returns.
 * Thread-safe. The class is not final so that tests can watch or delay a load (for example, to
 * hold a reader between its SELECT and its cache write); the cache must reach the database only
 * through it.
 */
public class ProductTable {

    private final DataSource dataSource;

    public ProductTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Loads one product: exactly one {@code SELECT} on the server.
     *
     * @return the committed row, or empty when there is no product with this id
     * @throws DatabaseException when PostgreSQL cannot be reached or the query fails
     */
    public Optional<Product> findById(long id) {
        String sql = "SELECT id, name, price_cents, version FROM product WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Product(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
            }
        } catch (SQLException e) {
            throw new DatabaseException("Could not load product " + id, e);
        }
    }

    /**
     * Sets a product's price and bumps its version: one {@code UPDATE}, committed when this
     * method returns.
     *
     * @return whether a product with this id existed (and was changed)
     * @throws DatabaseException when PostgreSQL cannot be reached or the update fails
     */
    public boolean updatePrice(long id, int priceCents) {
        String sql = "UPDATE product SET price_cents = ?, version = version + 1 WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            s.setInt(1, priceCents);
            s.setLong(2, id);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new DatabaseException("Could not update product " + id, e);
        }
    }
}
