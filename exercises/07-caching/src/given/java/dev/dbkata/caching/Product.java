package dev.dbkata.caching;

import java.util.Objects;

/**
 * One row of the {@code product} table.
 *
 * @param id         the primary key
 * @param name       what the product page shows
 * @param priceCents the price in cents
 * @param version    starts at 1 and grows by one with every update: the row's age, for anyone who
 *                   wants to compare two copies of it
 */
public record Product(long id, String name, int priceCents, long version) {

    public Product {
        Objects.requireNonNull(name, "name");
    }
}
