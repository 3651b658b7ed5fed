package dev.dbkata.verticalhorizontalscaling;

import java.util.Objects;
import javax.sql.DataSource;

/**
 * One server a read router may use, and its capacity: how many queries it may run at once.
 *
 * @param name a name for messages ("primary", "replica1", ...)
 * @param dataSource connections to it
 * @param slots how many queries may run on it at the same time (at least 1)
 */
public record ScaleNode(String name, DataSource dataSource, int slots) {

    public ScaleNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataSource, "dataSource");
        if (slots < 1) {
            throw new IllegalArgumentException("A node needs at least one query slot, " + name + " has " + slots);
        }
    }
}
