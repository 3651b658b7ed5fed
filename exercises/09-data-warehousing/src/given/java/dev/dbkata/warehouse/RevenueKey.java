package dev.dbkata.warehouse;

/** The key of one group of the columnar-vs-row aggregate: {@code 2024-03/17} is March 2024, bucket 17. */
public final class RevenueKey {

    private RevenueKey() {
    }

    /**
     * @param year   the sale's year (UTC)
     * @param month  the sale's month, 1 to 12
     * @param bucket {@code customer_id % 100}
     */
    public static String of(int year, int month, long bucket) {
        return String.format("%04d-%02d/%02d", year, month, bucket);
    }
}
