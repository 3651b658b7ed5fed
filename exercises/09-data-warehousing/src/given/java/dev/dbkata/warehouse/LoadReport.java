package dev.dbkata.warehouse;

/**
 * What one incremental load did to the warehouse.
 *
 * @param upserted orders inserted or replaced in the warehouse (new or changed since the last load)
 * @param deleted  orders removed from the warehouse because they were deleted in PostgreSQL
 */
public record LoadReport(int upserted, int deleted) {

    public LoadReport {
        if (upserted < 0 || deleted < 0) {
            throw new IllegalArgumentException("counts cannot be negative: " + upserted + ", " + deleted);
        }
    }
}
