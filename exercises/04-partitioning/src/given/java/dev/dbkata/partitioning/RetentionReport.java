package dev.dbkata.partitioning;

import java.util.List;

/**
 * What one run of {@link RetentionJob} removed.
 *
 * @param droppedPartitions the month tables dropped, oldest first ({@code events_2026_01}, ...)
 * @param archivedRows      how many rows were copied into {@code events_archive} before the drops
 */
public record RetentionReport(List<String> droppedPartitions, long archivedRows) {

    public RetentionReport {
        droppedPartitions = List.copyOf(droppedPartitions);
    }
}
