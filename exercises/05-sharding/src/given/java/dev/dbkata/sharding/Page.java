package dev.dbkata.sharding;

import java.util.List;

/**
 * One page of a listing across shards.
 *
 * @param orders the page's orders, in listing order
 * @param next   what to pass to get the next page, or {@code null} when this page is the last one.
 *               Opaque to the caller: the listing decides what it holds.
 */
public record Page(List<Order> orders, String next) {

    public Page {
        orders = List.copyOf(orders);
    }
}
