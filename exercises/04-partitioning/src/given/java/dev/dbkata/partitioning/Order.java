package dev.dbkata.partitioning;

/** One order of one customer, as {@link HashPartitionedStore} keeps it. */
public record Order(long customerId, long orderId, long amountCents) {
}
