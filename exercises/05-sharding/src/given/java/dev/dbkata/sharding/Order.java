package dev.dbkata.sharding;

/** One order of one customer. Order ids are unique across the whole cluster, not only per shard. */
public record Order(long customerId, long orderId, long amountCents) {
}
