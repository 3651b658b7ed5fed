package dev.dbkata.verticalhorizontalscaling;

import java.util.List;
import java.util.Objects;

/**
 * A workload a capacity planner measures: what it runs against the primary, and the tables it
 * works on (its working set).
 *
 * @param name for messages
 * @param tables the tables (with their indexes) the workload touches
 * @param run runs the workload once, to the end, against the primary
 */
public record Workload(String name, List<String> tables, Runnable run) {

    public Workload {
        Objects.requireNonNull(name, "name");
        tables = List.copyOf(tables);
        Objects.requireNonNull(run, "run");
    }
}
